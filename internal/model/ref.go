package model

import (
	"fmt"
	"net/url"
	"strings"
)

// The schemes of model references.
const (
	SchemeOpenAI = "openai" // openai:MODEL
	SchemeAzure  = "azure"  // azure:DEPLOYMENT
	SchemeHTTP   = "http"   // http(s)://HOST:PORT/v1#MODEL, any OpenAI-compatible server
	SchemeOllama = "ollama" // ollama:MODEL
	SchemeKNN    = "knn"    // knn:DATASET, the retrieval baseline
	SchemeLocal  = "local"  // local:PATH[+ADAPTER], the in-process model
	SchemeGold   = "gold"   // gold, the dataset's own SQL (an evaluation oracle)
	SchemeFile   = "file"   // file:PATH, predictions read from a file
)

// Ref is a parsed model reference. The zero value is invalid; build one with
// ParseRef.
type Ref struct {
	// Scheme is one of the Scheme constants.
	Scheme string
	// Name is the model, deployment, dataset or path the scheme selects
	// (empty for "gold").
	Name string
	// BaseURL is the server's OpenAI-compatible base URL, for SchemeHTTP
	// only (it ends in the version segment, e.g. "http://127.0.0.1:8000/v1").
	BaseURL string
	// Adapter is the LoRA adapter path of a local reference, if any.
	Adapter string
	// Plan marks a "plan:" reference: the model answers with a query plan over the
	// ontology (internal/plan), which one compiler turns into SQL.
	Plan bool
}

// PlanPrefix starts a plan reference: plan:knn:DATASET, plan:local:PATH, plan:openai:MODEL.
const PlanPrefix = "plan:"

// ParseRef parses a model reference:
//
//	openai:MODEL            azure:DEPLOYMENT         ollama:MODEL
//	http://HOST:PORT/v1#MODEL (or https://)          knn:DATASET
//	local:PATH[+ADAPTER]    file:PATH                gold
//
// and any of the model kinds behind "plan:" (plan:knn:DATASET, plan:local:PATH,
// plan:openai:MODEL, ...), which answer with a query plan instead of SQL.
func ParseRef(s string) (Ref, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Ref{}, fmt.Errorf("parsing model reference: empty")
	}
	if rest, ok := strings.CutPrefix(s, PlanPrefix); ok {
		r, err := ParseRef(rest)
		if err != nil {
			return Ref{}, err
		}
		if r.Plan || r.Scheme == SchemeGold || r.Scheme == SchemeFile {
			return Ref{}, fmt.Errorf("parsing model reference %q: %s takes knn, local or a chat model after it", s, PlanPrefix)
		}
		r.Plan = true
		return r, nil
	}
	if s == SchemeGold {
		return Ref{Scheme: SchemeGold}, nil
	}
	if strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://") {
		return parseHTTPRef(s)
	}
	scheme, name, ok := strings.Cut(s, ":")
	if !ok {
		return Ref{}, fmt.Errorf("parsing model reference %q: want SCHEME:NAME (schemes: %s)", s, knownSchemes)
	}
	scheme = strings.ToLower(scheme)
	if name == "" {
		return Ref{}, fmt.Errorf("parsing model reference %q: missing name after %q", s, scheme+":")
	}
	switch scheme {
	case SchemeOpenAI, SchemeAzure, SchemeOllama, SchemeKNN, SchemeFile:
		return Ref{Scheme: scheme, Name: name}, nil
	case SchemeLocal:
		path, adapter, _ := strings.Cut(name, "+")
		if path == "" {
			return Ref{}, fmt.Errorf("parsing model reference %q: missing model path", s)
		}
		return Ref{Scheme: scheme, Name: path, Adapter: adapter}, nil
	case SchemeGold:
		return Ref{}, fmt.Errorf("parsing model reference %q: gold takes no name", s)
	}
	return Ref{}, fmt.Errorf("parsing model reference %q: unknown scheme %q (schemes: %s)", s, scheme, knownSchemes)
}

const knownSchemes = "openai, azure, http(s), ollama, knn, local, gold, file, and plan: before knn, local or a chat model"

func parseHTTPRef(s string) (Ref, error) {
	u, err := url.Parse(s)
	if err != nil {
		return Ref{}, fmt.Errorf("parsing model reference %q: %w", s, err)
	}
	if u.Host == "" {
		return Ref{}, fmt.Errorf("parsing model reference %q: missing host", s)
	}
	if u.User != nil {
		return Ref{}, fmt.Errorf("parsing model reference: credentials in the URL are not accepted; set %s", EnvGenericAPIKey)
	}
	if u.Fragment == "" {
		return Ref{}, fmt.Errorf("parsing model reference %q: missing #MODEL after the base URL", s)
	}
	name := u.Fragment
	u.Fragment, u.RawFragment = "", ""
	return Ref{Scheme: SchemeHTTP, Name: name, BaseURL: strings.TrimSuffix(u.String(), "/")}, nil
}

// String formats r back into reference syntax; ParseRef(r.String()) == r.
func (r Ref) String() string {
	if r.Plan {
		inner := r
		inner.Plan = false
		return PlanPrefix + inner.String()
	}
	switch r.Scheme {
	case SchemeGold:
		return SchemeGold
	case SchemeHTTP:
		return r.BaseURL + "#" + r.Name
	case SchemeLocal:
		if r.Adapter != "" {
			return r.Scheme + ":" + r.Name + "+" + r.Adapter
		}
	}
	return r.Scheme + ":" + r.Name
}
