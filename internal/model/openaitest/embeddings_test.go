package openaitest

import (
	"encoding/base64"
	"encoding/binary"
	"math"
	"testing"
)

func TestEmbeddingsContract(t *testing.T) {
	s := New(t)
	s.Key = "k1"
	bearer := map[string]string{"Authorization": "Bearer k1"}
	api := s.BaseURL() + "/embeddings"
	azure := s.URL + "/openai/deployments/emb/embeddings"
	cases := []struct {
		name, url, body string
		header          map[string]string
		status          int
		param           string
	}{
		{"one string", api, `{"model":"m","input":"select 1"}`, bearer, 200, ""},
		{"strings", api, `{"model":"m","input":["a","b c"]}`, bearer, 200, ""},
		{"no model", api, `{"input":"x"}`, bearer, 400, "model"},
		{"no input", api, `{"model":"m"}`, bearer, 400, "input"},
		{"empty list", api, `{"model":"m","input":[]}`, bearer, 400, "input"},
		{"empty string", api, `{"model":"m","input":["a",""]}`, bearer, 400, "input"},
		{"tokens", api, `{"model":"m","input":[[1,2]]}`, bearer, 400, "input"},
		{"bad format", api, `{"model":"m","input":"x","encoding_format":"int8"}`, bearer, 400, "encoding_format"},
		{"bad dimensions", api, `{"model":"m","input":"x","dimensions":0}`, bearer, 400, "dimensions"},
		{"wrong key", api, `{"model":"m","input":"x"}`, map[string]string{"Authorization": "Bearer no"}, 401, ""},
		{"azure", azure + "?api-version=2024-10-21", `{"input":["x"]}`, map[string]string{"api-key": "k1"}, 200, ""},
		{"azure without api-version", azure, `{"input":["x"]}`, map[string]string{"api-key": "k1"}, 404, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, body := post(t, tc.url, tc.body, tc.header)
			if status != tc.status {
				t.Fatalf("status: got %d %v, want %d", status, body, tc.status)
			}
			if status == 200 {
				if body["object"] != "list" || body["usage"] == nil || len(body["data"].([]any)) == 0 {
					t.Fatalf("got %v, want a list with data and usage", body)
				}
				return
			}
			e := body["error"].(map[string]any)
			if tc.param != "" && e["param"] != tc.param {
				t.Errorf("param: got %v (%v), want %q", e["param"], e["message"], tc.param)
			}
		})
	}
}

func TestEmbeddingsValues(t *testing.T) {
	s := New(t)
	_, body := post(t, s.BaseURL()+"/embeddings", `{"model":"m","input":["select a from t","SELECT a FROM t","x"],"dimensions":8}`, nil)
	data := body["data"].([]any)
	got := map[int][]float64{}
	for _, d := range data {
		m := d.(map[string]any)
		var v []float64
		for _, x := range m["embedding"].([]any) {
			v = append(v, x.(float64))
		}
		got[int(m["index"].(float64))] = v
	}
	want := Embedding("select a from t", 8)
	if len(got[0]) != 8 {
		t.Fatalf("got %d dimensions, want 8", len(got[0]))
	}
	var dot, norm float64
	for i := range want {
		if float32(got[0][i]) != want[i] || got[1][i] != got[0][i] {
			t.Fatalf("vector 0 = %v, vector 1 = %v, want both %v", got[0], got[1], want)
		}
		dot += got[0][i] * got[2][i]
		norm += got[0][i] * got[0][i]
	}
	if math.Abs(norm-1) > 1e-6 {
		t.Errorf("norm² = %v, want 1", norm)
	}
	if dot > 0.99 {
		t.Errorf("cos(different texts) = %v, want below 1", dot)
	}
	if u := body["usage"].(map[string]any); u["prompt_tokens"] != 9.0 {
		t.Errorf("usage = %v, want 9 prompt tokens", u)
	}
}

func TestEmbeddingsBase64(t *testing.T) {
	s := New(t)
	_, body := post(t, s.BaseURL()+"/embeddings", `{"model":"m","input":"a b","encoding_format":"base64"}`, nil)
	enc := body["data"].([]any)[0].(map[string]any)["embedding"].(string)
	b, err := base64.StdEncoding.DecodeString(enc)
	if err != nil {
		t.Fatal(err)
	}
	want := Embedding("a b", 0)
	if len(b) != 4*len(want) {
		t.Fatalf("got %d bytes, want %d", len(b), 4*len(want))
	}
	for i, w := range want {
		if got := math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:])); got != w {
			t.Fatalf("value %d: got %v, want %v", i, got, w)
		}
	}
}
