package cli

import (
	"context"
	"strings"
	"testing"
)

// TestFinetuneChecksCredentialsFirst: a missing credential stops finetune with exit status 2
// and the variable's name before the training file is read (its check prints a line), while
// --dry-run needs no credentials.
func TestFinetuneChecksCredentialsFirst(t *testing.T) {
	train := trainFile(t, t.TempDir(), "train.jsonl")
	cases := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"openai", map[string]string{"OPENAI_API_KEY": ""}, nil, "OPENAI_API_KEY is not set"},
		{"azure endpoint", map[string]string{"AZURE_OPENAI_ENDPOINT": "", "AZURE_OPENAI_API_KEY": "k"}, []string{"--engine", "azure"}, "AZURE_OPENAI_ENDPOINT is not set"},
		{"azure key", map[string]string{"AZURE_OPENAI_ENDPOINT": "http://127.0.0.1:1", "AZURE_OPENAI_API_KEY": ""}, []string{"--engine", "azure"}, "AZURE_OPENAI_API_KEY is not set"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			args := append([]string{"finetune", "--train", train, "--state", t.TempDir() + "/jobs.db"}, tc.args...)
			code, out, errs := runCtx(context.Background(), args...)
			if code != exitInput || !strings.Contains(errs, tc.want) {
				t.Fatalf("exit %d, stderr %q; want %d and %q", code, errs, exitInput, tc.want)
			}
			if out != "" {
				t.Errorf("the training file was checked before the credentials: %q", out)
			}
		})
	}
	t.Setenv("OPENAI_API_KEY", "")
	if code, out, errs := runCtx(context.Background(), "finetune", "--train", train, "--dry-run"); code != 0 || !strings.Contains(out, "examples") {
		t.Errorf("--dry-run without a key: exit %d, %q %q", code, out, errs)
	}
}
