package cli

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sqlforge/sqlforge/internal/datagen/llm/llmtest"
	"github.com/sqlforge/sqlforge/internal/model/openaitest"
)

// TestGenLLMAllRequestsFailed: a server that refuses every request (a wrong key) makes gen
// exit non-zero with the reason and its count, and write no dataset.
func TestGenLLMAllRequestsFailed(t *testing.T) {
	srv := openaitest.New(t)
	srv.Key = "sk-the-right-one"
	t.Setenv("SQLFORGE_API_KEY", "")
	t.Setenv("SQLFORGE_MODEL_MAX_RETRIES", "0")
	out := filepath.Join(t.TempDir(), "out")
	var stdout, stderr bytes.Buffer
	code := Run(context.Background(), []string{"gen", "--size", "60", "--out", out, "--formats", "openai",
		"--llm", srv.BaseURL() + "#gpt-4o-mini", "--llm-questions", "8"}, nil, &stdout, &stderr)
	if code != exitError {
		t.Fatalf("exit %d, want %d; stdout:\n%s\nstderr:\n%s", code, exitError, stdout.String(), stderr.String())
	}
	msg := stderr.String()
	n := len(srv.Requests())
	for _, want := range []string{"all ", " requests to the model failed", "× model " + srv.BaseURL() + "#gpt-4o-mini: http 401 Unauthorized"} {
		if !strings.Contains(msg, want) {
			t.Errorf("stderr lacks %q (%d requests sent):\n%s", want, n, msg)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "manifest.json")); !os.IsNotExist(err) {
		t.Errorf("a dataset was written (err %v)", err)
	}
}

// TestGenLLMSummaryCountsFailures: the text summary counts failed requests by reason, and
// says none failed when none did.
func TestGenLLMSummaryCountsFailures(t *testing.T) {
	srv := openaitest.New(t)
	sc := &llmtest.Script{}
	srv.Reply = sc.Reply
	t.Setenv("SQLFORGE_MODEL_MAX_RETRIES", "0")
	run := func(out string) string {
		var stdout, stderr bytes.Buffer
		code := Run(context.Background(), []string{"gen", "--size", "60", "--out", out, "--formats", "openai",
			"--llm", srv.BaseURL() + "#gpt-4o-mini", "--llm-questions", "8", "--k", "1"}, nil, &stdout, &stderr)
		if code != 0 {
			t.Fatalf("exit %d:\n%s", code, stderr.String())
		}
		return stdout.String()
	}
	if got := run(t.TempDir()); !strings.Contains(got, "failed requests: none") {
		t.Errorf("summary of a run without failures:\n%s", got)
	}
	srv.Enqueue(openaitest.Step{Status: http.StatusBadRequest}) // one of the two question units
	got := run(t.TempDir())                                     // a fresh cache: every request is sent again
	want := "failed requests by reason:\n  1× model " + srv.BaseURL() + "#gpt-4o-mini: http 400 Bad Request"
	if !strings.Contains(got, want) {
		t.Errorf("summary lacks %q:\n%s", want, got)
	}
}
