package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestExportGGUF(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "tiny.gguf")
	// The model's directory, not its embedded name: resolving that caches a
	// path under runCLI's temporary cache for the rest of the process.
	tiny := filepath.Join("..", "..", "models", "sqlforge-tiny")
	tests := []struct {
		name     string
		args     []string
		wantCode int
		want     string
	}{
		{"q8_0", []string{"export", "gguf", "--model", tiny, "--out", out, "--type", "q8_0"}, 0, "ollama create tiny"},
		{"reads its own output", []string{"export", "gguf", "--model", out, "--out", filepath.Join(dir, "again.gguf")}, 0, "(F16)"},
		{"not gguf", []string{"export", "gguf", "--model", tiny, "--out", filepath.Join(dir, "x.bin")}, 2, ".gguf"},
		{"bad type", []string{"export", "gguf", "--model", tiny, "--out", out, "--type", "q4_k"}, 2, "--type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tt.args...)
			if code != tt.wantCode || !strings.Contains(stdout+stderr, tt.want) {
				t.Fatalf("exit %d, stdout %q, stderr %q; want exit %d and %q", code, stdout, stderr, tt.wantCode, tt.want)
			}
		})
	}
	mf, err := os.ReadFile(filepath.Join(dir, "Modelfile"))
	if err != nil || !strings.Contains(string(mf), "FROM ./again.gguf") {
		t.Errorf("Modelfile: %v\n%s", err, mf)
	}
}
