package serve

import (
	"context"
	"testing"

	"github.com/sqlforge/sqlforge/internal/model/localmodel"
	"github.com/sqlforge/sqlforge/internal/prompt"
)

// TestSetupLocalModelPrompt checks that a local model is served with the
// prompt it was trained on (localmodel.Messages: the question alone), not the
// generic one with linked tables, concepts and examples.
func TestSetupLocalModelPrompt(t *testing.T) {
	dir := tinyLocalModel(t)
	svc, closeAll, err := Setup(context.Background(), SetupOptions{Model: "local:" + dir})
	if err != nil {
		t.Fatal(err)
	}
	defer closeAll()
	q := "What was the gross profit by category in 2023?"
	got := prompt.Messages(svc.cfg.Builder.Build(q, nil))
	want := localmodel.Messages(q, "", "")
	if len(got) != len(want) {
		t.Fatalf("%d messages, want %d", len(got), len(want))
	}
	for i := range got {
		if got[i] != want[i] {
			t.Errorf("message %d:\n%q\nwant\n%q", i, got[i].Content, want[i].Content)
		}
	}
}
