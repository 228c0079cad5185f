package gguf

import (
	"fmt"
	"strings"

	"github.com/sqlforge/sqlforge/internal/lm/tokenizer"
)

// ollamaTemplates renders each chat family in Ollama's Go-template
// TEMPLATE syntax, as internal/lm/tokenizer renders it for sqlforge. BOS
// is left out: llama.cpp adds it when tokenizer.ggml.add_bos_token is set.
var ollamaTemplates = map[tokenizer.Family]string{
	tokenizer.ChatML: `{{- range .Messages }}<|im_start|>{{ .Role }}
{{ .Content }}<|im_end|>
{{ end }}<|im_start|>assistant
`,
	tokenizer.Llama3: `{{- range .Messages }}<|start_header_id|>{{ .Role }}<|end_header_id|>

{{ .Content }}<|eot_id|>{{ end }}<|start_header_id|>assistant<|end_header_id|>

`,
	tokenizer.Llama2:  "[INST] {{ if .System }}<<SYS>>\n{{ .System }}\n<</SYS>>\n\n{{ end }}{{ .Prompt }} [/INST]",
	tokenizer.Mistral: "[INST] {{ if .System }}{{ .System }}\n\n{{ end }}{{ .Prompt }} [/INST]",
}

// Modelfile returns an Ollama Modelfile that serves the GGUF file at
// ggufPath (relative to the Modelfile, e.g. "./model.gguf") with the chat
// format tmpl, greedy decoding and the given context length, so that
// `ollama create NAME -f Modelfile` runs what sqlforge trained.
func Modelfile(ggufPath string, tmpl tokenizer.ChatTemplate, contextLength int) (string, error) {
	fam := tmpl.Family
	if fam == tokenizer.Sqlforge {
		fam = tokenizer.ChatML
	}
	t, ok := ollamaTemplates[fam]
	if !ok {
		return "", fmt.Errorf("writing Modelfile: no Ollama template for chat family %q", tmpl.Family)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# Written by sqlforge export gguf. Serve with: ollama create NAME -f Modelfile\n")
	fmt.Fprintf(&b, "FROM %s\n", ggufPath)
	fmt.Fprintf(&b, "TEMPLATE \"\"\"%s\"\"\"\n", t)
	stops := []string{tmpl.EOS}
	if fam == tokenizer.ChatML {
		stops = []string{"<|im_end|>", "<|im_start|>"}
	}
	for _, s := range stops {
		if s != "" {
			fmt.Fprintf(&b, "PARAMETER stop %q\n", s)
		}
	}
	fmt.Fprintf(&b, "PARAMETER temperature 0\n")
	if contextLength > 0 {
		fmt.Fprintf(&b, "PARAMETER num_ctx %d\n", contextLength)
	}
	return b.String(), nil
}
