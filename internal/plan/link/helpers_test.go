package link_test

import (
	"context"
	"sync"
	"testing"

	"github.com/sqlforge/sqlforge/internal/database"
	"github.com/sqlforge/sqlforge/internal/dialect/sqlite"
	"github.com/sqlforge/sqlforge/internal/ontology"
	"github.com/sqlforge/sqlforge/internal/plan/compile"
	"github.com/sqlforge/sqlforge/internal/plan/link"
)

type fixture struct {
	db *database.DB
	c  *compile.Compiler
	l  *link.Linker
}

var (
	fixMu    sync.Mutex
	fixtures = map[string]*fixture{}
)

// linker opens the embedded database name once per test binary and builds its linker.
func linker(t testing.TB, name string) *fixture {
	t.Helper()
	fixMu.Lock()
	defer fixMu.Unlock()
	if f := fixtures[name]; f != nil {
		return f
	}
	ctx := context.Background()
	db, err := database.Open(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	ont, err := ontology.LoadRef(name)
	if err != nil {
		t.Fatal(err)
	}
	c := compile.New(ont, sqlite.New())
	if err := c.SetLatest(ctx, db.DB); err != nil {
		t.Fatal(err)
	}
	l, err := link.New(ctx, db.DB, ont, c)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{db: db, c: c, l: l}
	fixtures[name] = f
	return f
}
