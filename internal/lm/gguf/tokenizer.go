package gguf

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/sqlforge/sqlforge/internal/lm"
	"github.com/sqlforge/sqlforge/internal/lm/tokenizer"
)

// The metadata keys sqlforge adds beside llama.cpp's tokenizer keys.
const (
	// HFTokenizerKey holds tokenizer.json verbatim (a key gguf-py defines).
	HFTokenizerKey = "tokenizer.huggingface.json"
	chatFamilyKey  = "sqlforge.chat_family"
	chatBOSKey     = "sqlforge.chat_bos"
	chatEOSKey     = "sqlforge.chat_eos"
)

// llama.cpp's token types.
const (
	tokenNormal      = 1
	tokenControl     = 3
	tokenUserDefined = 4
	tokenUnused      = 5
	tokenByte        = 6
)

// preTokenizers maps llama.cpp's tokenizer.ggml.pre names to the
// pre_tokenizer of a Hugging Face byte-level BPE tokenizer.json.
var preTokenizers = map[string]string{
	"gpt-2":     `{"type":"ByteLevel","add_prefix_space":false,"trim_offsets":true,"use_regex":true}`,
	"llama-bpe": splitThenBytes(`(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`),
	"qwen2":     splitThenBytes(`(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`),
}

func splitThenBytes(pattern string) string {
	p, _ := json.Marshal(pattern)
	return `{"type":"Sequence","pretokenizers":[{"type":"Split","pattern":{"Regex":` + string(p) +
		`},"behavior":"Isolated","invert":false},{"type":"ByteLevel","add_prefix_space":false,"trim_offsets":false,"use_regex":false}]}`
}

// preName recognises a tokenizer.json pre_tokenizer as one of llama.cpp's.
func preName(pre json.RawMessage) string {
	s := string(pre)
	switch {
	case strings.Contains(s, `p{N}{1,3}`):
		return "llama-bpe"
	case strings.Contains(s, `\\p{L}+|\\p{N}|`):
		return "qwen2"
	}
	return "gpt-2"
}

// tokenizerKVs describes tok in llama.cpp's keys (tokens padded with
// unused [PADn] entries up to the model's vocabulary, as llama.cpp's
// converter does), plus tokenizer.json and the chat format.
func tokenizerKVs(tok *tokenizer.Tokenizer, cfg lm.Config, opts ExportOptions) ([]KV, error) {
	var kvs []KV
	var js []byte
	if v, ok := tok.SentencePieceVocab(); ok {
		if v.Unigram {
			return nil, fmt.Errorf("a unigram SentencePiece tokenizer has no llama.cpp \"llama\" form (BPE by score)")
		}
		kvs = sentencePieceKVs(v, cfg.VocabSize)
	} else {
		var err error
		if kvs, js, err = bpeKVs(tok, cfg); err != nil {
			return nil, err
		}
	}
	tm := opts.Template
	if bos := tok.BOS(); len(bos) == 1 {
		// The id the tokenizer itself puts first (SentencePiece's <s>), else the template's.
		kvs = append(kvs, KV{"tokenizer.ggml.bos_token_id", uint32(bos[0])})
	} else if id, ok := tok.TokenID(tm.BOS); ok && tm.BOS != "" {
		kvs = append(kvs, KV{"tokenizer.ggml.bos_token_id", uint32(id)})
	}
	if id, ok := tok.TokenID(tm.EOS); ok && tm.EOS != "" {
		kvs = append(kvs, KV{"tokenizer.ggml.eos_token_id", uint32(id)})
	}
	kvs = append(kvs, KV{"tokenizer.ggml.add_bos_token", len(tok.BOS()) > 0})
	if opts.ChatTemplate != "" {
		kvs = append(kvs, KV{"tokenizer.chat_template", opts.ChatTemplate})
	}
	if js != nil {
		kvs = append(kvs, KV{HFTokenizerKey, string(js)})
	}
	kvs = append(kvs, KV{chatFamilyKey, string(tm.Family)}, KV{chatBOSKey, tm.BOS}, KV{chatEOSKey, tm.EOS})
	return kvs, nil
}

// bpeKVs describes a tokenizer.json tokenizer in llama.cpp's keys and returns its JSON too.
func bpeKVs(tok *tokenizer.Tokenizer, cfg lm.Config) ([]KV, []byte, error) {
	js, err := tok.MarshalJSON()
	if err != nil {
		return nil, nil, fmt.Errorf("encoding tokenizer: %w", err)
	}
	var spec struct {
		PreTokenizer json.RawMessage `json:"pre_tokenizer"`
		Model        struct {
			ByteFallback bool `json:"byte_fallback"`
		} `json:"model"`
	}
	if err := json.Unmarshal(js, &spec); err != nil {
		return nil, nil, fmt.Errorf("decoding tokenizer: %w", err)
	}
	model := "gpt2"
	if spec.Model.ByteFallback {
		model = "llama" // SentencePiece-style: ▁ and <0xNN> byte tokens
	}
	added := map[int]bool{}
	for _, a := range tok.AddedTokens() {
		added[a.ID] = true
	}
	V := cfg.VocabSize
	tokens, types, scores := make([]string, V), make([]int32, V), make([]float32, V)
	for id := range V {
		s, ok := tok.Token(id)
		scores[id] = -float32(id)
		switch {
		case !ok:
			tokens[id], types[id] = fmt.Sprintf("[PAD%d]", id), tokenUnused
		case tok.IsSpecial(id):
			tokens[id], types[id] = s, tokenControl
		case added[id]:
			tokens[id], types[id] = s, tokenUserDefined
		case model == "llama" && len(s) == 6 && strings.HasPrefix(s, "<0x") && s[5] == '>':
			tokens[id], types[id] = s, tokenByte
		default:
			tokens[id], types[id] = s, tokenNormal
		}
	}
	var merges []string
	for _, m := range tok.Merges() {
		merges = append(merges, m[0]+" "+m[1])
	}
	kvs := []KV{
		{"tokenizer.ggml.model", model},
		{"tokenizer.ggml.pre", preName(spec.PreTokenizer)},
		{"tokenizer.ggml.tokens", tokens},
		{"tokenizer.ggml.token_type", types},
		{"tokenizer.ggml.merges", merges},
	}
	if model == "llama" {
		kvs = append(kvs, KV{"tokenizer.ggml.scores", scores})
	}
	return kvs, js, nil
}

// tokenizerFromMetadata rebuilds the tokenizer and chat format: from
// tokenizer.json when sqlforge wrote the file, else from llama.cpp's keys:
// byte-level BPE (gpt2) or SentencePiece (llama: tokens, scores, types).
func tokenizerFromMetadata(g *File) (*tokenizer.Tokenizer, tokenizer.ChatTemplate, error) {
	var tok *tokenizer.Tokenizer
	var err error
	if s, ok := g.Metadata[HFTokenizerKey].(string); ok {
		tok, err = tokenizer.Parse([]byte(s))
	} else if m, _ := g.Metadata["tokenizer.ggml.model"].(string); m == "llama" {
		tok, err = sentencePieceFromMetadata(g)
	} else {
		tok, err = bpeFromMetadata(g)
	}
	if err != nil {
		return nil, tokenizer.ChatTemplate{}, fmt.Errorf("tokenizer: %w", err)
	}
	tmpl, err := templateFromMetadata(g, tok)
	if err != nil {
		return nil, tokenizer.ChatTemplate{}, err
	}
	return tok, tmpl, nil
}

// sentencePieceFromMetadata builds the SentencePiece BPE model of a "llama" vocabulary
// (Llama 2, Mistral, Gemma): pieces merged by score, byte fallback where <0xNN> pieces
// exist, the space prefix unless tokenizer.ggml.add_space_prefix is false, BOS first
// unless tokenizer.ggml.add_bos_token is false.
func sentencePieceFromMetadata(g *File) (*tokenizer.Tokenizer, error) {
	tokens, _ := g.Metadata["tokenizer.ggml.tokens"].([]any)
	scores, _ := g.Metadata["tokenizer.ggml.scores"].([]any)
	types, _ := g.Metadata["tokenizer.ggml.token_type"].([]any)
	v := tokenizer.SentencePieceVocab{Pieces: make([]string, len(tokens)), Scores: make([]float32, len(tokens)),
		Types: make([]int, len(tokens)), AddDummyPrefix: true, BOS: -1}
	for id, t := range tokens {
		s, ok := t.(string)
		if !ok {
			return nil, fmt.Errorf("tokenizer.ggml.tokens[%d] is not a string", id)
		}
		v.Pieces[id], v.Types[id] = s, tokenNormal
		if id < len(scores) {
			if x, ok := number(scores[id]); ok {
				v.Scores[id] = float32(x)
			}
		}
		if id < len(types) {
			if x, ok := number(types[id]); ok {
				v.Types[id] = int(x)
			}
		}
		v.ByteFallback = v.ByteFallback || v.Types[id] == tokenByte
	}
	if add, ok := g.Metadata["tokenizer.ggml.add_space_prefix"].(bool); ok {
		v.AddDummyPrefix = add
	}
	if id, ok := number(g.Metadata["tokenizer.ggml.bos_token_id"]); ok {
		if add, ok := g.Metadata["tokenizer.ggml.add_bos_token"].(bool); !ok || add {
			v.BOS = int(id)
		}
	}
	return tokenizer.NewSentencePiece(v)
}

// sentencePieceKVs writes a SentencePiece vocabulary as llama.cpp's "llama" keys, padded
// with unused [PADn] pieces up to the model's vocabulary.
func sentencePieceKVs(v tokenizer.SentencePieceVocab, vocab int) []KV {
	n := max(vocab, len(v.Pieces))
	tokens, scores, types := make([]string, n), make([]float32, n), make([]int32, n)
	for id := range n {
		if id < len(v.Pieces) {
			tokens[id], scores[id], types[id] = v.Pieces[id], v.Scores[id], int32(v.Types[id])
			continue
		}
		tokens[id], scores[id], types[id] = fmt.Sprintf("[PAD%d]", id), 0, tokenUnused
	}
	return []KV{{"tokenizer.ggml.model", "llama"}, {"tokenizer.ggml.tokens", tokens},
		{"tokenizer.ggml.scores", scores}, {"tokenizer.ggml.token_type", types},
		{"tokenizer.ggml.add_space_prefix", v.AddDummyPrefix}}
}

// bpeFromMetadata builds a byte-level BPE tokenizer.json from llama.cpp's
// tokens, token types, merges and pre-tokenizer name.
func bpeFromMetadata(g *File) (*tokenizer.Tokenizer, error) {
	if m, _ := g.Metadata["tokenizer.ggml.model"].(string); m != "gpt2" {
		return nil, fmt.Errorf("tokenizer.ggml.model %q without %s is not supported (gpt2)", m, HFTokenizerKey)
	}
	pre, _ := g.Metadata["tokenizer.ggml.pre"].(string)
	preJSON, ok := preTokenizers[pre]
	if !ok {
		return nil, fmt.Errorf("tokenizer.ggml.pre %q is not supported (gpt-2, llama-bpe, qwen2)", pre)
	}
	tokens, _ := g.Metadata["tokenizer.ggml.tokens"].([]any)
	types, _ := g.Metadata["tokenizer.ggml.token_type"].([]any)
	merges, _ := g.Metadata["tokenizer.ggml.merges"].([]any)
	vocab := map[string]int{}
	type added struct {
		ID      int    `json:"id"`
		Content string `json:"content"`
		Special bool   `json:"special"`
	}
	var addedTokens []added
	for id, t := range tokens {
		s, ok := t.(string)
		if !ok {
			return nil, fmt.Errorf("tokenizer.ggml.tokens[%d] is not a string", id)
		}
		typ := int64(tokenNormal)
		if id < len(types) {
			if v, ok := number(types[id]); ok {
				typ = int64(v)
			}
		}
		switch typ {
		case tokenUnused:
		case tokenControl, tokenUserDefined:
			addedTokens = append(addedTokens, added{ID: id, Content: s, Special: typ == tokenControl})
		default:
			vocab[s] = id
		}
	}
	ms := make([]string, 0, len(merges))
	for i, m := range merges {
		s, ok := m.(string)
		if !ok {
			return nil, fmt.Errorf("tokenizer.ggml.merges[%d] is not a string", i)
		}
		ms = append(ms, s)
	}
	spec := map[string]any{
		"version": "1.0", "added_tokens": addedTokens, "normalizer": nil, "post_processor": bosProcessor(g, tokens),
		"pre_tokenizer": json.RawMessage(preJSON),
		"decoder":       json.RawMessage(`{"type":"ByteLevel","add_prefix_space":true,"trim_offsets":true,"use_regex":true}`),
		"model":         map[string]any{"type": "BPE", "vocab": vocab, "merges": ms, "byte_fallback": false},
	}
	data, err := json.Marshal(spec)
	if err != nil {
		return nil, fmt.Errorf("building tokenizer.json: %w", err)
	}
	return tokenizer.Parse(data)
}

// bosProcessor is a tokenizer.json post_processor that puts BOS first
// when tokenizer.ggml.add_bos_token says so, else nil.
func bosProcessor(g *File, tokens []any) any {
	add, _ := g.Metadata["tokenizer.ggml.add_bos_token"].(bool)
	id, ok := number(g.Metadata["tokenizer.ggml.bos_token_id"])
	if !add || !ok || int(id) < 0 || int(id) >= len(tokens) {
		return nil
	}
	bos, _ := tokens[int(id)].(string)
	special := map[string]any{"SpecialToken": map[string]any{"id": bos, "type_id": 0}}
	seq := func(name string) any { return map[string]any{"Sequence": map[string]any{"id": name, "type_id": 0}} }
	return map[string]any{
		"type":           "TemplateProcessing",
		"single":         []any{special, seq("A")},
		"pair":           []any{special, seq("A"), special, seq("B")},
		"special_tokens": map[string]any{bos: map[string]any{"id": bos, "ids": []int{int(id)}, "tokens": []string{bos}}},
	}
}

// templateFromMetadata picks the chat format: sqlforge's keys, else the
// family recognised in tokenizer.chat_template, else sqlforge's own.
func templateFromMetadata(g *File, tok *tokenizer.Tokenizer) (tokenizer.ChatTemplate, error) {
	if fam, ok := g.Metadata[chatFamilyKey].(string); ok && fam != "" {
		tmpl, err := tokenizer.TemplateFor(tokenizer.Family(fam))
		if err != nil {
			return tmpl, fmt.Errorf("%s: %w", chatFamilyKey, err)
		}
		tmpl.BOS, _ = g.Metadata[chatBOSKey].(string)
		tmpl.EOS, _ = g.Metadata[chatEOSKey].(string)
		return tmpl, nil
	}
	src, ok := g.Metadata["tokenizer.chat_template"].(string)
	if !ok {
		return tokenizer.TemplateFor(tokenizer.Sqlforge)
	}
	cfg := map[string]string{"chat_template": src}
	for key, meta := range map[string]string{"bos_token": "tokenizer.ggml.bos_token_id", "eos_token": "tokenizer.ggml.eos_token_id"} {
		if id, ok := number(g.Metadata[meta]); ok {
			if s, ok := tok.Token(int(id)); ok {
				cfg[key] = s
			}
		}
	}
	data, _ := json.Marshal(cfg)
	tmpl, err := tokenizer.ParseChatTemplate(data)
	if err != nil {
		return tmpl, fmt.Errorf("tokenizer.chat_template: %w", err)
	}
	return tmpl, nil
}
