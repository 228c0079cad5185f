package cli

import (
	"bytes"
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sqlforge/sqlforge/internal/model/openaitest"
)

// closedPort returns a loopback address that nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// TestGenLLMChecksBeforeWork: a missing key or a local server that does not answer stops gen
// with exit status 2 and a message naming the variable or the URL, before any pair is
// generated or any file written.
func TestGenLLMChecksBeforeWork(t *testing.T) {
	addr := closedPort(t)
	cases := []struct {
		name string
		env  map[string]string
		llm  []string
		want []string
	}{
		{"openai without key", map[string]string{"OPENAI_API_KEY": ""}, []string{"--llm", "openai:gpt-4o-mini"}, []string{"OPENAI_API_KEY is not set"}},
		{"azure without endpoint", map[string]string{"AZURE_OPENAI_ENDPOINT": "", "AZURE_OPENAI_API_KEY": "k"}, []string{"--llm", "azure:dep"}, []string{"AZURE_OPENAI_ENDPOINT is not set"}},
		{"sql model without key", map[string]string{"OPENAI_API_KEY": ""}, []string{"--llm", "http://" + openaitest.New(t).Listener.Addr().String() + "/v1#m", "--sql-model", "openai:gpt-4o"}, []string{"OPENAI_API_KEY is not set"}},
		{"http nothing listening", nil, []string{"--llm", "http://" + addr + "/v1#m"}, []string{"nothing answers at http://" + addr + "/v1"}},
		{"ollama nothing listening", map[string]string{"OLLAMA_HOST": addr}, []string{"--llm", "ollama:llama3"}, []string{"nothing answers at http://" + addr + "/v1", "OLLAMA_HOST"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			out := filepath.Join(t.TempDir(), "out")
			var stdout, stderr bytes.Buffer
			args := append([]string{"gen", "--size", "60", "--out", out}, tc.llm...)
			code := Run(context.Background(), args, nil, &stdout, &stderr)
			if code != exitInput {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, exitInput, stderr.String())
			}
			for _, w := range tc.want {
				if !strings.Contains(stderr.String(), w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr.String())
				}
			}
			if strings.Contains(stderr.String(), "generated ") {
				t.Errorf("pairs were generated before the check:\n%s", stderr.String())
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Errorf("%s was created (err %v)", out, err)
			}
		})
	}
}
