package tokenizer

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
)

// Family names a chat prompt format. Templates are recognised by their markers, not run:
// this is a renderer for the common families, not a Jinja engine.
type Family string

// The chat families Render knows.
const (
	// ChatML is "<|im_start|>role\ncontent<|im_end|>\n" (Qwen2, SmolLM, many others).
	ChatML Family = "chatml"
	// Llama3 is "<|start_header_id|>role<|end_header_id|>\n\ncontent<|eot_id|>" after BOS.
	Llama3 Family = "llama3"
	// Llama2 is "<s>[INST] <<SYS>>\nsystem\n<</SYS>>\n\nuser [/INST] answer </s>".
	Llama2 Family = "llama2"
	// Mistral is "<s>[INST] user [/INST]answer</s>" (no system block: a system message is
	// put before the first user message).
	Mistral Family = "mistral"
	// Sqlforge is our embedded model's format: "<|bos|>" then ChatML.
	Sqlforge Family = "sqlforge"
)

// Message is one chat turn; Role is "system", "user" or "assistant".
type Message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// ChatTemplate renders messages in one family's format with the model's BOS and EOS strings.
type ChatTemplate struct {
	Family Family
	BOS    string // "<s>", "<|begin_of_text|>", "<|bos|>"; unused by ChatML
	EOS    string // "</s>" for Llama 2 and Mistral answers
}

// Prompt is a rendered conversation. When the last message is the assistant's, the answer
// span [AnswerStart, AnswerEnd) covers its content and the end-of-turn marker that follows it
// (so a model learns to stop); the trainer computes the loss on those tokens only. Otherwise
// Text ends with the assistant header and AnswerStart == AnswerEnd == len(Text).
type Prompt struct {
	Text                   string
	AnswerStart, AnswerEnd int
}

// TemplateFor returns the template of a family with its usual BOS and EOS.
func TemplateFor(f Family) (ChatTemplate, error) {
	switch f {
	case ChatML:
		return ChatTemplate{Family: f, EOS: "<|im_end|>"}, nil
	case Llama3:
		return ChatTemplate{Family: f, BOS: "<|begin_of_text|>", EOS: "<|eot_id|>"}, nil
	case Llama2, Mistral:
		return ChatTemplate{Family: f, BOS: "<s>", EOS: "</s>"}, nil
	case Sqlforge:
		return ChatTemplate{Family: f, BOS: "<|bos|>", EOS: "<|im_end|>"}, nil
	}
	return ChatTemplate{}, fmt.Errorf("unknown chat family %q", f)
}

// DetectFamily recognises a Hugging Face chat_template (Jinja source) by its markers.
func DetectFamily(chatTemplate string) (Family, error) {
	switch {
	case strings.Contains(chatTemplate, "<|start_header_id|>"):
		return Llama3, nil
	case strings.Contains(chatTemplate, "<|im_start|>") && strings.Contains(chatTemplate, "<|bos|>"):
		return Sqlforge, nil
	case strings.Contains(chatTemplate, "<|im_start|>"):
		return ChatML, nil
	case strings.Contains(chatTemplate, "[INST]") && strings.Contains(chatTemplate, "<<SYS>>"):
		return Llama2, nil
	case strings.Contains(chatTemplate, "[INST]"):
		return Mistral, nil
	}
	return "", fmt.Errorf("chat_template: no known family's markers (<|im_start|>, <|start_header_id|>, [INST]) in %q", truncate(chatTemplate, 80))
}

// LoadChatTemplate reads tokenizer_config.json and picks the template family from its
// chat_template; bos_token and eos_token come from the file when set.
func LoadChatTemplate(path string) (ChatTemplate, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return ChatTemplate{}, fmt.Errorf("load chat template: %w", err)
	}
	c, err := ParseChatTemplate(data)
	if err != nil {
		return ChatTemplate{}, fmt.Errorf("load chat template %s: %w", path, err)
	}
	return c, nil
}

// ParseChatTemplate is LoadChatTemplate on the contents of tokenizer_config.json.
func ParseChatTemplate(data []byte) (ChatTemplate, error) {
	var cfg struct {
		ChatTemplate json.RawMessage `json:"chat_template"`
		BOS          json.RawMessage `json:"bos_token"`
		EOS          json.RawMessage `json:"eos_token"`
	}
	if err := json.Unmarshal(data, &cfg); err != nil {
		return ChatTemplate{}, fmt.Errorf("parse tokenizer_config.json: %w", err)
	}
	if isNull(cfg.ChatTemplate) {
		return ChatTemplate{}, fmt.Errorf("tokenizer_config.json: chat_template: missing")
	}
	var src string
	if err := json.Unmarshal(cfg.ChatTemplate, &src); err != nil {
		// The list form: [{"name": "default", "template": "..."}, ...].
		var named []struct{ Name, Template string }
		if err := json.Unmarshal(cfg.ChatTemplate, &named); err != nil {
			return ChatTemplate{}, fmt.Errorf("tokenizer_config.json: chat_template: want a string or a list of {name, template}")
		}
		for _, n := range named {
			if n.Name == "default" || src == "" {
				src = n.Template
			}
		}
	}
	f, err := DetectFamily(src)
	if err != nil {
		return ChatTemplate{}, fmt.Errorf("tokenizer_config.json: %w", err)
	}
	c, _ := TemplateFor(f)
	if s := tokenString(cfg.BOS); s != "" {
		c.BOS = s
	}
	if s := tokenString(cfg.EOS); s != "" && f != ChatML && f != Llama3 && f != Sqlforge {
		c.EOS = s // ChatML and Llama 3 end turns with their own marker, not eos_token
	}
	return c, nil
}

// tokenString reads a bos_token/eos_token field: a string or {"content": "..."}.
func tokenString(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var obj struct{ Content string }
	if json.Unmarshal(raw, &obj) == nil {
		return obj.Content
	}
	return ""
}

// Render formats messages. Roles must be system, user or assistant; the [INST] families
// need user and assistant turns to alternate after an optional first system message.
func (c ChatTemplate) Render(msgs []Message) (Prompt, error) {
	var b strings.Builder
	p := Prompt{}
	last := len(msgs) - 1
	answer := last >= 0 && msgs[last].Role == "assistant"
	for i, m := range msgs {
		if m.Role != "system" && m.Role != "user" && m.Role != "assistant" {
			return Prompt{}, fmt.Errorf("render chat: messages[%d].role: unknown %q", i, m.Role)
		}
	}
	switch c.Family {
	case ChatML, Sqlforge:
		if c.Family == Sqlforge {
			b.WriteString(c.BOS)
		}
		for i, m := range msgs {
			b.WriteString("<|im_start|>" + m.Role + "\n")
			if i == last && answer {
				p.AnswerStart = b.Len()
			}
			b.WriteString(m.Content + "<|im_end|>")
			p.AnswerEnd = b.Len()
			b.WriteString("\n")
		}
		if !answer {
			b.WriteString("<|im_start|>assistant\n")
		}
	case Llama3:
		b.WriteString(c.BOS)
		for i, m := range msgs {
			b.WriteString("<|start_header_id|>" + m.Role + "<|end_header_id|>\n\n")
			if i == last && answer {
				p.AnswerStart = b.Len()
			}
			b.WriteString(strings.TrimSpace(m.Content) + "<|eot_id|>")
			p.AnswerEnd = b.Len()
		}
		if !answer {
			b.WriteString("<|start_header_id|>assistant<|end_header_id|>\n\n")
		}
	case Llama2, Mistral:
		system := ""
		if len(msgs) > 0 && msgs[0].Role == "system" {
			system, msgs = strings.TrimSpace(msgs[0].Content), msgs[1:]
			last--
		}
		for i, m := range msgs {
			want := "user"
			if i%2 == 1 {
				want = "assistant"
			}
			if m.Role != want {
				return Prompt{}, fmt.Errorf("render chat: %s turns must alternate user/assistant: message %d is %q", c.Family, i, m.Role)
			}
			content := strings.TrimSpace(m.Content)
			if m.Role == "user" {
				if i == 0 && system != "" {
					if c.Family == Llama2 {
						content = "<<SYS>>\n" + system + "\n<</SYS>>\n\n" + content
					} else {
						content = system + "\n\n" + content
					}
				}
				b.WriteString(c.BOS + "[INST] " + content + " [/INST]")
				continue
			}
			if c.Family == Llama2 {
				b.WriteString(" ")
			}
			if i == last && answer {
				p.AnswerStart = b.Len()
			}
			b.WriteString(content)
			if c.Family == Llama2 {
				b.WriteString(" ")
			}
			b.WriteString(c.EOS)
			p.AnswerEnd = b.Len()
		}
	default:
		return Prompt{}, fmt.Errorf("render chat: unknown family %q", c.Family)
	}
	p.Text = b.String()
	if !answer {
		p.AnswerStart, p.AnswerEnd = len(p.Text), len(p.Text)
	}
	return p, nil
}

// EncodePrompt encodes a rendered prompt and marks the tokens of the answer span, for a loss
// on answer tokens only. The text is encoded whole; the span's token boundaries are where the
// encodings of the text before the span and of the text up to its end stop agreeing with it.
func (t *Tokenizer) EncodePrompt(p Prompt) (ids []int, answer []bool) {
	ids = t.Encode(p.Text)
	start := commonPrefix(ids, t.Encode(p.Text[:p.AnswerStart]))
	end := commonPrefix(ids, t.Encode(p.Text[:p.AnswerEnd]))
	answer = make([]bool, len(ids))
	for i := start; i < end; i++ {
		answer[i] = true
	}
	return ids, answer
}

func commonPrefix(a, b []int) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

// SqlforgeJinja is the Jinja chat_template of our embedded model, for its
// tokenizer_config.json, so Hugging Face's apply_chat_template renders what Render does.
const SqlforgeJinja = "{{ '<|bos|>' }}{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
