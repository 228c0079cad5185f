package model_test

import (
	"fmt"

	"github.com/sqlforge/sqlforge/internal/model"
)

// A model reference names a backend and what it serves; plan: references answer with a query
// plan that the compiler turns into SQL.
func ExampleParseRef() {
	for _, s := range []string{"openai:gpt-4o-mini", "local:sqlforge-tiny+runs/a/adapter", "plan:knn:data/northwind",
		"http://127.0.0.1:8000/v1#qwen"} {
		r, err := model.ParseRef(s)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Printf("%s: scheme %s, name %s, adapter %q, base URL %q, plan %v\n", s, r.Scheme, r.Name, r.Adapter, r.BaseURL, r.Plan)
	}
	// Output:
	// openai:gpt-4o-mini: scheme openai, name gpt-4o-mini, adapter "", base URL "", plan false
	// local:sqlforge-tiny+runs/a/adapter: scheme local, name sqlforge-tiny, adapter "runs/a/adapter", base URL "", plan false
	// plan:knn:data/northwind: scheme knn, name data/northwind, adapter "", base URL "", plan true
	// http://127.0.0.1:8000/v1#qwen: scheme http, name qwen, adapter "", base URL "http://127.0.0.1:8000/v1", plan false
}

// A backend is asked a typed request. A chat backend sends its ChatMessages: here the
// project's one prompt (no Prompt given), the earlier turn as a user/assistant pair, then the
// question; a backend that needs no prompt (knn) reads Question and Turns instead.
func ExampleRequest_ChatMessages() {
	req := model.Request{
		Question: "only for 2023",
		Turns:    []model.Turn{{Question: "how many orders", SQL: "SELECT COUNT(*) FROM Orders"}},
	}
	for _, m := range req.ChatMessages()[1:] {
		fmt.Printf("%s: %s\n", m.Role, m.Content)
	}
	// Output:
	// user: how many orders
	// assistant: SELECT COUNT(*) FROM Orders
	// user: only for 2023
}
