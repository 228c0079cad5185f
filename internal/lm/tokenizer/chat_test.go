package tokenizer

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var chatMsgs = []Message{
	{Role: "system", Content: "Answer with SQL."},
	{Role: "user", Content: "How many users?"},
	{Role: "assistant", Content: "SELECT count(*) FROM users"},
}

func TestRender(t *testing.T) {
	tests := []struct {
		family Family
		msgs   []Message
		want   string
		answer string // text of the answer span
	}{
		{ChatML, chatMsgs,
			"<|im_start|>system\nAnswer with SQL.<|im_end|>\n<|im_start|>user\nHow many users?<|im_end|>\n<|im_start|>assistant\nSELECT count(*) FROM users<|im_end|>\n",
			"SELECT count(*) FROM users<|im_end|>"},
		{ChatML, chatMsgs[:2],
			"<|im_start|>system\nAnswer with SQL.<|im_end|>\n<|im_start|>user\nHow many users?<|im_end|>\n<|im_start|>assistant\n", ""},
		{Sqlforge, chatMsgs[1:],
			"<|bos|><|im_start|>user\nHow many users?<|im_end|>\n<|im_start|>assistant\nSELECT count(*) FROM users<|im_end|>\n",
			"SELECT count(*) FROM users<|im_end|>"},
		{Llama3, chatMsgs,
			"<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nAnswer with SQL.<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nHow many users?<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\nSELECT count(*) FROM users<|eot_id|>",
			"SELECT count(*) FROM users<|eot_id|>"},
		{Llama2, chatMsgs,
			"<s>[INST] <<SYS>>\nAnswer with SQL.\n<</SYS>>\n\nHow many users? [/INST] SELECT count(*) FROM users </s>",
			"SELECT count(*) FROM users </s>"},
		{Mistral, chatMsgs[1:],
			"<s>[INST] How many users? [/INST]SELECT count(*) FROM users</s>",
			"SELECT count(*) FROM users</s>"},
	}
	for _, tt := range tests {
		c, err := TemplateFor(tt.family)
		if err != nil {
			t.Fatal(err)
		}
		p, err := c.Render(tt.msgs)
		if err != nil {
			t.Fatalf("%s: %v", tt.family, err)
		}
		if p.Text != tt.want {
			t.Errorf("%s: Render =\n%q\nwant\n%q", tt.family, p.Text, tt.want)
		}
		if got := p.Text[p.AnswerStart:p.AnswerEnd]; got != tt.answer {
			t.Errorf("%s: answer span = %q, want %q", tt.family, got, tt.answer)
		}
	}
}

func TestRenderErrors(t *testing.T) {
	bad := []struct {
		family Family
		msgs   []Message
	}{
		{ChatML, []Message{{Role: "tool", Content: "x"}}},
		{Llama2, []Message{{Role: "assistant", Content: "x"}}},
		{Mistral, []Message{{Role: "user", Content: "a"}, {Role: "user", Content: "b"}}},
		{Family("jinja"), chatMsgs},
	}
	for _, b := range bad {
		if _, err := (ChatTemplate{Family: b.family}).Render(b.msgs); err == nil {
			t.Errorf("%s: Render(%v) succeeded, want an error", b.family, b.msgs)
		}
	}
}

func TestParseChatTemplate(t *testing.T) {
	tests := []struct {
		config string
		want   ChatTemplate
	}{
		{`{"chat_template": "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}", "eos_token": "<|im_end|>"}`,
			ChatTemplate{Family: ChatML, EOS: "<|im_end|>"}},
		{`{"chat_template": "{{ bos_token }}{% for m in messages %}<|start_header_id|>{{ m['role'] }}<|end_header_id|>\n\n{{ m['content'] | trim }}<|eot_id|>{% endfor %}", "bos_token": "<|begin_of_text|>"}`,
			ChatTemplate{Family: Llama3, BOS: "<|begin_of_text|>", EOS: "<|eot_id|>"}},
		{`{"chat_template": "{{ bos_token + '[INST] ' + '<<SYS>>\\n' }}", "bos_token": {"content": "<s>"}, "eos_token": {"content": "</s>"}}`,
			ChatTemplate{Family: Llama2, BOS: "<s>", EOS: "</s>"}},
		{`{"chat_template": [{"name": "tool_use", "template": "x"}, {"name": "default", "template": "[INST] {{ m }} [/INST]"}]}`,
			ChatTemplate{Family: Mistral, BOS: "<s>", EOS: "</s>"}},
		{`{"chat_template": ` + mustJSON(t, SqlforgeJinja) + `}`,
			ChatTemplate{Family: Sqlforge, BOS: "<|bos|>", EOS: "<|im_end|>"}},
	}
	for _, tt := range tests {
		got, err := ParseChatTemplate([]byte(tt.config))
		if err != nil {
			t.Errorf("ParseChatTemplate(%s): %v", tt.config, err)
			continue
		}
		if got != tt.want {
			t.Errorf("ParseChatTemplate(%s) = %+v, want %+v", tt.config, got, tt.want)
		}
	}
	for _, bad := range []string{`{}`, `{"chat_template": "{{ messages }}"}`, `{"chat_template": 3}`, `nope`} {
		if _, err := ParseChatTemplate([]byte(bad)); err == nil {
			t.Errorf("ParseChatTemplate(%s) succeeded, want an error", bad)
		}
	}
	if _, err := LoadChatTemplate(filepath.Join("testdata", "missing.json")); err == nil || !strings.Contains(err.Error(), "missing.json") {
		t.Errorf("LoadChatTemplate(missing) = %v, want an error naming the file", err)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestEncodePrompt(t *testing.T) {
	tests := []struct {
		file   string
		family Family
	}{
		{"llama3.json", Llama3},
		{"llama2.json", Llama2},
		{"gpt2.json", ChatML},
	}
	for _, tt := range tests {
		tok := mustLoad(t, tt.file)
		c, _ := TemplateFor(tt.family)
		p, err := c.Render([]Message{{Role: "user", Content: "hello"}, {Role: "assistant", Content: "SELECT the world"}})
		if err != nil {
			t.Fatal(err)
		}
		ids, mask := tok.EncodePrompt(p)
		if !slices.Equal(ids, tok.Encode(p.Text)) {
			t.Errorf("%s: EncodePrompt ids differ from Encode(text)", tt.file)
		}
		var answer []int
		for i, m := range mask {
			if m {
				answer = append(answer, ids[i])
			}
		}
		got := tok.Decode(answer)
		want := strings.TrimSpace(p.Text[p.AnswerStart:p.AnswerEnd])
		if strings.TrimSpace(got) != want {
			t.Errorf("%s: masked tokens decode to %q, want %q", tt.file, got, want)
		}
		if mask[0] || !mask[len(mask)-1] && tt.family != ChatML {
			t.Errorf("%s: mask %v: the prompt start is masked in or the end marker out", tt.file, mask)
		}
	}
}
