package model

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
)

// ErrNotAvailable reports a reference whose scheme no backend implements.
var ErrNotAvailable = errors.New("not available in this build yet")

// Opener opens a Backend for a reference of the scheme it is registered for.
type Opener func(ctx context.Context, ref Ref, env Env) (Backend, error)

// Registry maps reference schemes to openers, for callers that assemble their own set of
// backends (tests, embedders); sqlforge itself opens through model/backend's switch. It is
// safe for concurrent use. There is no global registry.
type Registry struct {
	mu      sync.RWMutex
	openers map[string]Opener
}

// NewRegistry returns a registry with the OpenAI-compatible schemes (openai,
// azure, http, ollama) registered.
func NewRegistry() *Registry {
	r := &Registry{openers: map[string]Opener{}}
	for _, s := range []string{SchemeOpenAI, SchemeAzure, SchemeHTTP, SchemeOllama} {
		r.openers[s] = OpenCompatible
	}
	return r
}

// Register makes o the opener for scheme, replacing any earlier one.
func (r *Registry) Register(scheme string, o Opener) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.openers[scheme] = o
}

// Schemes lists the registered schemes, sorted.
func (r *Registry) Schemes() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]string, 0, len(r.openers))
	for s := range r.openers {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// Open opens the backend ref names, reading endpoints and keys from env.
// A scheme nobody registered fails with an error wrapping ErrNotAvailable.
func (r *Registry) Open(ctx context.Context, ref Ref, env Env) (Backend, error) {
	r.mu.RLock()
	o, ok := r.openers[ref.Scheme]
	r.mu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("opening model %s: the %q backend is %w (registered: %s)",
			ref, ref.Scheme, ErrNotAvailable, strings.Join(r.Schemes(), ", "))
	}
	b, err := o(ctx, ref, env)
	if err != nil {
		return nil, fmt.Errorf("opening model %s: %w", ref, err)
	}
	return b, nil
}
