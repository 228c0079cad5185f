package datagen

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"testing"
	"time"
)

func TestExplore(t *testing.T) {
	if os.Getenv("EXPLORE") == "" {
		t.Skip()
	}
	db, ont := northwind(t)
	start := time.Now()
	recs, st, err := Generate(context.Background(), db.DB, ont, Options{Seed: 42, Size: 6000, Reasoning: true})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.MarshalIndent(st, "", " ")
	fmt.Println(string(b), time.Since(start))
	f, _ := os.Create("/tmp/explore.jsonl")
	for _, r := range recs {
		b, _ := json.Marshal(r)
		f.Write(append(b, '\n'))
	}
	f.Close()
}
