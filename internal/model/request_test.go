package model

import (
	"reflect"
	"testing"

	"github.com/sqlforge/sqlforge/internal/chat"
)

// TestChatMessages checks how a chat backend renders a request: explicit messages as they
// are, else the caller's Prompt, else the project's one prompt over the typed fields.
func TestChatMessages(t *testing.T) {
	turns := []Turn{{Question: "how many orders", SQL: "SELECT COUNT(*) FROM Orders"}}
	req := Request{Question: "only for 2023", Evidence: "e", Schema: "CREATE TABLE t(a)", Turns: turns}
	want := chat.Messages(chat.Input{Question: "only for 2023", Evidence: "e", Schema: "CREATE TABLE t(a)", History: turns})
	if got := req.ChatMessages(); !reflect.DeepEqual(got, want) {
		t.Errorf("default prompt: got %+v, want %+v", got, want)
	}
	own := []Message{{Role: RoleUser, Content: "mine"}}
	req.Prompt = func(r Request) []Message { return []Message{{Role: RoleUser, Content: r.Question}} }
	if got := req.ChatMessages(); len(got) != 1 || got[0].Content != "only for 2023" {
		t.Errorf("caller's prompt: got %+v", got)
	}
	req.Messages = own
	if got := req.ChatMessages(); !reflect.DeepEqual(got, own) {
		t.Errorf("explicit messages: got %+v, want %+v", got, own)
	}
	if got := (Request{}).ChatMessages(); got != nil {
		t.Errorf("empty request: got %+v, want nil", got)
	}
}
