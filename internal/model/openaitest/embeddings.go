package openaitest

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math"
	"net/http"
	"strings"
)

// DefaultEmbeddingDims is the length of the vectors the server returns when
// the request names no dimensions and Server.EmbeddingDims is 0.
const DefaultEmbeddingDims = 16

// maxEmbeddingInputs is OpenAI's limit on inputs per embeddings request.
const maxEmbeddingInputs = 2048

// EmbeddingRequest is the embeddings request body as OpenAI documents it.
type EmbeddingRequest struct {
	Model string `json:"model"`
	// Input is a string, an array of strings, or token arrays (which this
	// server refuses: sqlforge sends text).
	Input          any    `json:"input"`
	EncodingFormat string `json:"encoding_format,omitempty"`
	Dimensions     *int   `json:"dimensions,omitempty"`
	User           string `json:"user,omitempty"`
}

// EmbeddingList is the embeddings response body.
type EmbeddingList struct {
	Object string          `json:"object"` // "list"
	Data   []EmbeddingData `json:"data"`
	Model  string          `json:"model"`
	Usage  EmbeddingUsage  `json:"usage"`
}

// EmbeddingData is one vector of EmbeddingList, at the position of its input.
type EmbeddingData struct {
	Object string `json:"object"` // "embedding"
	Index  int    `json:"index"`
	// Embedding is a []float32, or a base64 string of little-endian float32
	// values when the request asked for encoding_format "base64".
	Embedding any `json:"embedding"`
}

// EmbeddingUsage is the token accounting of an embeddings request.
type EmbeddingUsage struct {
	PromptTokens int `json:"prompt_tokens"`
	TotalTokens  int `json:"total_tokens"`
}

// Embedding is the vector the server returns for text: each lower-cased,
// whitespace-separated word adds ±1 to the dimension its FNV-1a hash selects
// (the sign from the hash's top bit), and the sum is scaled to unit length.
// Texts with the same words therefore get the same vector and the cosine of
// two vectors is their dot product, so tests can compute expected values.
// A text without words gets the first basis vector.
func Embedding(text string, dims int) []float32 {
	if dims <= 0 {
		dims = DefaultEmbeddingDims
	}
	v := make([]float64, dims)
	for _, w := range strings.Fields(strings.ToLower(text)) {
		h := fnv.New32a()
		_, _ = h.Write([]byte(w))
		x := h.Sum32()
		if x&(1<<31) != 0 {
			v[int(x%uint32(dims))]--
		} else {
			v[int(x%uint32(dims))]++
		}
	}
	var n float64
	for _, x := range v {
		n += x * x
	}
	out := make([]float32, dims)
	if n == 0 {
		out[0] = 1
		return out
	}
	n = math.Sqrt(n)
	for i, x := range v {
		out[i] = float32(x / n)
	}
	return out
}

// serveEmbeddings answers POST /v1/embeddings and Azure's deployment path
// with the same key check, script and recording as chat completions.
func (s *Server) serveEmbeddings(w http.ResponseWriter, r *http.Request, deployment string) {
	step, done := s.begin()
	defer done()
	rec := Recorded{Path: r.URL.Path, Query: r.URL.RawQuery, Header: r.Header.Clone(), Deployment: deployment}
	var raw map[string]json.RawMessage
	var req EmbeddingRequest
	err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 8<<20)).Decode(&raw)
	if err == nil {
		b, _ := json.Marshal(raw)
		err = json.Unmarshal(b, &req)
	}
	rec.Raw = raw
	s.mu.Lock()
	s.requests = append(s.requests, rec)
	s.mu.Unlock()

	azure := deployment != ""
	if azure && r.URL.Query().Get("api-version") == "" {
		writeError(w, http.StatusNotFound, "Resource not found", "", "", "404")
		return
	}
	if !s.authorized(r, azure) {
		writeError(w, http.StatusUnauthorized, "Incorrect API key provided: "+mask(presentedKey(r, azure))+".",
			"invalid_request_error", "", "invalid_api_key")
		return
	}
	if step != nil && step.play(w, r) {
		return
	}
	if err != nil {
		writeError(w, http.StatusBadRequest, "We could not parse the JSON body of your request: "+err.Error(),
			"invalid_request_error", "", "")
		return
	}
	inputs, msg, param := req.validate(azure)
	if msg != "" {
		writeError(w, http.StatusBadRequest, msg, "invalid_request_error", param, "")
		return
	}
	dims := s.EmbeddingDims
	if req.Dimensions != nil {
		dims = *req.Dimensions
	}
	model := req.Model
	if azure {
		model = deployment
	}
	out := EmbeddingList{Object: "list", Model: model + "-served", Data: make([]EmbeddingData, len(inputs))}
	// Answer in reverse order: clients must place vectors by index, not by
	// position, as OpenAI does not promise the order.
	for i := range inputs {
		j := len(inputs) - 1 - i
		vec := Embedding(inputs[j], dims)
		var e any = vec
		if req.EncodingFormat == "base64" {
			b := make([]byte, 4*len(vec))
			for k, x := range vec {
				binary.LittleEndian.PutUint32(b[4*k:], math.Float32bits(x))
			}
			e = base64.StdEncoding.EncodeToString(b)
		}
		out.Data[i] = EmbeddingData{Object: "embedding", Index: j, Embedding: e}
		out.Usage.PromptTokens += len(strings.Fields(inputs[j]))
	}
	out.Usage.TotalTokens = out.Usage.PromptTokens
	writeJSON(w, http.StatusOK, out)
}

// validate returns the texts to embed, or OpenAI's message and param for an
// invalid request. On the Azure path the deployment names the model.
func (r EmbeddingRequest) validate(azure bool) (inputs []string, msg, param string) {
	switch in := r.Input.(type) {
	case string:
		inputs = []string{in}
	case []any:
		for i, x := range in {
			s, ok := x.(string)
			if !ok {
				return nil, fmt.Sprintf("'$.input[%d]' is not a string: this test server embeds text only", i), "input"
			}
			inputs = append(inputs, s)
		}
	case nil:
		return nil, "you must provide an input parameter", "input"
	default:
		return nil, "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.", "input"
	}
	switch {
	case r.Model == "" && !azure:
		return nil, "you must provide a model parameter", "model"
	case len(inputs) == 0:
		return nil, "'$.input' is invalid: [] is too short", "input"
	case len(inputs) > maxEmbeddingInputs:
		return nil, fmt.Sprintf("'$.input' is invalid: at most %d inputs per request", maxEmbeddingInputs), "input"
	case r.EncodingFormat != "" && r.EncodingFormat != "float" && r.EncodingFormat != "base64":
		return nil, fmt.Sprintf("'%s' is not one of ['float', 'base64'] - 'encoding_format'", r.EncodingFormat), "encoding_format"
	case r.Dimensions != nil && (*r.Dimensions < 1 || *r.Dimensions > 4096):
		return nil, fmt.Sprintf("%d is not in [1, 4096] - 'dimensions'", *r.Dimensions), "dimensions"
	}
	for i, s := range inputs {
		if s == "" {
			return nil, fmt.Sprintf("'$.input[%d]' is invalid: empty string", i), "input"
		}
	}
	return inputs, "", ""
}

// begin counts a request in flight and takes the next scripted step; done
// ends the count.
func (s *Server) begin() (step *Step, done func()) {
	s.mu.Lock()
	s.inFlight++
	s.maxInFlight = max(s.maxInFlight, s.inFlight)
	if len(s.script) > 0 {
		step = &s.script[0]
		s.script = s.script[1:]
	}
	s.mu.Unlock()
	return step, func() {
		s.mu.Lock()
		s.inFlight--
		s.mu.Unlock()
	}
}
