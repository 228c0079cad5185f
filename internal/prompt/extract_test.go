package prompt_test

import (
	"testing"

	"github.com/sqlforge/sqlforge/internal/model"
	"github.com/sqlforge/sqlforge/internal/prompt"
)

// TestExtractRenderedAnswer: the SQL and reasoning of an answer rendered with the training
// template read back through model.ExtractSQL.
func TestExtractRenderedAnswer(t *testing.T) {
	ex := prompt.Example{SQL: "SELECT 1", Reasoning: "because"}
	sql, reasoning := model.ExtractSQL(prompt.Assistant(ex, true))
	if sql != "SELECT 1" || reasoning != "because" {
		t.Errorf("ExtractSQL of the rendered answer: got %q, %q", sql, reasoning)
	}
}
