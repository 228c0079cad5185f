package chat

import (
	"strings"
	"testing"
)

func TestMessagesShape(t *testing.T) {
	in := Input{Question: "Top 5 products by revenue", Schema: "CREATE TABLE Products (ProductID INTEGER)",
		Examples: []Example{{Question: "How many orders?", SQL: "SELECT COUNT(*) FROM Orders", Reasoning: "Count the rows."}}, Reasoning: true}
	msgs := Messages(in)
	roles := []Role{RoleSystem, RoleUser, RoleAssistant, RoleUser}
	if len(msgs) != len(roles) {
		t.Fatalf("%d messages, want %d", len(msgs), len(roles))
	}
	for i, r := range roles {
		if msgs[i].Role != r {
			t.Errorf("message %d is %s, want %s", i, msgs[i].Role, r)
		}
	}
	if !strings.Contains(msgs[0].Content, "SQLite") || !strings.Contains(msgs[0].Content, "CREATE TABLE Products") {
		t.Errorf("system message lacks the engine or the schema:\n%s", msgs[0].Content)
	}
	if a := msgs[2].Content; !strings.Contains(a, "Count the rows.") || !strings.Contains(a, FinalSQLMarker+"\nSELECT COUNT(*) FROM Orders") {
		t.Errorf("reasoning answer %q lacks the reasoning or the marker before the SQL", a)
	}
	if got := Assistant(Example{SQL: "SELECT 1"}, false); strings.Contains(got, FinalSQLMarker) {
		t.Errorf("plain answer %q has the reasoning marker", got)
	}
	if EngineName("postgres") != "PostgreSQL" || EngineName("") != "SQLite" {
		t.Error("EngineName")
	}
}
