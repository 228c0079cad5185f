package openaitest

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

func post(t *testing.T, url, body string, header map[string]string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		t.Fatalf("decoding response: %v", err)
	}
	return res.StatusCode, out
}

func TestContract(t *testing.T) {
	s := New(t)
	s.Key = "k1"
	bearer := map[string]string{"Authorization": "Bearer k1"}
	chat := s.BaseURL() + "/chat/completions"
	azure := s.URL + "/openai/deployments/dep/chat/completions"
	msgs := `"messages":[{"role":"user","content":"hi"}]`
	cases := []struct {
		name, url, body string
		header          map[string]string
		status          int
		param           string
	}{
		{"ok", chat, `{"model":"m",` + msgs + `}`, bearer, 200, ""},
		{"no model", chat, `{` + msgs + `}`, bearer, 400, "model"},
		{"no messages", chat, `{"model":"m","messages":[]}`, bearer, 400, "messages"},
		{"bad role", chat, `{"model":"m","messages":[{"role":"robot","content":"x"}]}`, bearer, 400, "messages[0].role"},
		{"bad temperature", chat, `{"model":"m",` + msgs + `,"temperature":3}`, bearer, 400, "temperature"},
		{"bad n", chat, `{"model":"m",` + msgs + `,"n":0}`, bearer, 400, "n"},
		{"not json", chat, `{"model":`, bearer, 400, ""},
		{"wrong key", chat, `{"model":"m",` + msgs + `}`, map[string]string{"Authorization": "Bearer nope"}, 401, ""},
		{"azure ok without model", azure + "?api-version=2024-10-21", `{` + msgs + `}`, map[string]string{"api-key": "k1"}, 200, ""},
		{"azure bearer is not api-key", azure + "?api-version=2024-10-21", `{` + msgs + `}`, bearer, 401, ""},
		{"azure without api-version", azure, `{` + msgs + `}`, map[string]string{"api-key": "k1"}, 404, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, body := post(t, tc.url, tc.body, tc.header)
			if status != tc.status {
				t.Fatalf("status: got %d %v, want %d", status, body, tc.status)
			}
			if status == 200 {
				choices := body["choices"].([]any)
				msg := choices[0].(map[string]any)["message"].(map[string]any)
				if len(choices) != 1 || msg["role"] != "assistant" || body["usage"] == nil {
					t.Fatalf("got %v, want one assistant choice with usage", body)
				}
				return
			}
			e, ok := body["error"].(map[string]any)
			if !ok || e["message"] == "" {
				t.Fatalf("got %v, want OpenAI's error body", body)
			}
			for _, field := range []string{"message", "type", "param", "code"} {
				if _, ok := e[field]; !ok {
					t.Errorf("error body lacks %q: %v", field, e)
				}
			}
			if tc.param != "" && e["param"] != tc.param {
				t.Errorf("param: got %v, want %q", e["param"], tc.param)
			}
		})
	}
}

func TestLogprobsAndN(t *testing.T) {
	s := New(t)
	s.TokenLogprobs = []float64{-1, -2}
	_, body := post(t, s.BaseURL()+"/chat/completions",
		`{"model":"m","messages":[{"role":"user","content":"hi"}],"n":3,"logprobs":true,"max_tokens":2}`, nil)
	choices := body["choices"].([]any)
	if len(choices) != 3 {
		t.Fatalf("got %d choices, want 3", len(choices))
	}
	c := choices[2].(map[string]any)
	lp := c["logprobs"].(map[string]any)["content"].([]any)
	if len(lp) != 4 || lp[1].(map[string]any)["logprob"] != -2.0 || c["finish_reason"] != "length" || c["index"] != 2.0 {
		t.Fatalf("got %v, want 4 tokens cycling logprobs, finish_reason length, index 2", c)
	}
}
