package eval

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"

	"github.com/sqlforge/sqlforge/internal/database"
	"github.com/sqlforge/sqlforge/internal/eval/spider"
	"github.com/sqlforge/sqlforge/internal/schema"
	"github.com/sqlforge/sqlforge/internal/sqlexec"

	_ "modernc.org/sqlite" // the in-memory databases of sql-create-context items
)

// Databases opens, once each, the databases that items run on: the run's
// default (for items that name none), embedded databases by name, SQLite files
// by path, PostgreSQL by URL, and an empty in-memory SQLite database per
// distinct CREATE TABLE context for items without a database.
type Databases struct {
	defaultRef string
	mu         sync.Mutex
	m          map[string]*dbSlot
}

// dbSlot opens one database once, whoever asks first; others wait for it.
type dbSlot struct {
	once sync.Once
	e    *dbEntry
	err  error
}

type dbEntry struct {
	ex     sqlexec.Executor
	raw    *sql.DB // nil for PostgreSQL
	closer func() error

	schemaOnce sync.Once
	schema     string

	spiderOnce sync.Once
	spider     *spider.Schema
}

// NewDatabases returns a set whose default database is defaultRef ("" is
// northwind).
func NewDatabases(defaultRef string) *Databases {
	return &Databases{defaultRef: defaultRef, m: map[string]*dbSlot{}}
}

// key names the database it runs on.
func (d *Databases) key(it Item) string {
	if it.NoDB {
		h := sha256.Sum256([]byte(it.Context))
		return "memory:" + hex.EncodeToString(h[:8])
	}
	if it.DB != "" {
		return it.DB
	}
	return d.defaultRef
}

// open returns the entry for it, opening the database on first use.
// Different databases open at the same time.
func (d *Databases) open(ctx context.Context, it Item) (*dbEntry, error) {
	k := d.key(it)
	d.mu.Lock()
	sl, ok := d.m[k]
	if !ok {
		sl = &dbSlot{}
		d.m[k] = sl
	}
	d.mu.Unlock()
	sl.once.Do(func() { sl.e, sl.err = openEntry(ctx, k, it) })
	return sl.e, sl.err
}

// openEntry opens the database k that item it runs on.
func openEntry(ctx context.Context, k string, it Item) (*dbEntry, error) {
	var e *dbEntry
	var err error
	switch {
	case it.NoDB:
		e, err = openContextDB(ctx, it.Context)
	case database.IsPostgresURL(k) || database.IsBigQueryURL(k):
		var ex sqlexec.Executor
		ex, err = sqlexec.Open(ctx, k)
		if err == nil {
			e = &dbEntry{ex: ex, closer: ex.Close}
		}
	default:
		var db *database.DB
		db, err = database.Open(ctx, k)
		if err == nil {
			// database.Open's connections are read-only (sqlexec.ReadOnlyDSN)
			e = &dbEntry{ex: sqlexec.NewSQLiteReadOnly(db.DB), raw: db.DB, closer: db.Close}
		}
	}
	if err != nil {
		return nil, fmt.Errorf("open database %q for item %d: %w", k, it.Index, err)
	}
	return e, nil
}

// openAll opens the databases of items, up to workers at a time, and returns
// the error of the first item (in dataset order) whose database fails.
func (d *Databases) openAll(ctx context.Context, items []Item, workers int) error {
	var first []int // the first item of each database
	seen := map[string]bool{}
	for i, it := range items {
		if k := d.key(it); !seen[k] {
			seen[k] = true
			first = append(first, i)
		}
	}
	errs := make([]error, len(first))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(workers, len(first)) {
		wg.Go(func() {
			for j := range next {
				_, errs[j] = d.open(ctx, items[first[j]])
			}
		})
	}
	for j := range first {
		next <- j
	}
	close(next)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// openContextDB builds an empty in-memory SQLite database from a CREATE
// TABLE context. One connection only: each :memory: connection is its own
// database.
func openContextDB(ctx context.Context, context string) (*dbEntry, error) {
	db, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	for _, stmt := range strings.Split(context, ";") {
		if strings.TrimSpace(stmt) == "" {
			continue
		}
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			db.Close()
			return nil, fmt.Errorf("build database from context: %w", err)
		}
	}
	return &dbEntry{ex: sqlexec.NewSQLite(db), raw: db, closer: db.Close, schema: context}, nil
}

// Schema returns the CREATE TABLE context of the entry's database ("" when
// it cannot be read).
func (e *dbEntry) Schema(ctx context.Context) string {
	e.schemaOnce.Do(func() {
		if e.schema != "" || e.raw == nil {
			return
		}
		if s, err := schema.Introspect(ctx, e.raw); err == nil {
			e.schema = schema.CreateTable(s, schema.CreateOptions{})
		}
	})
	return e.schema
}

// Raw returns the *sql.DB of item it's SQLite database (nil for PostgreSQL),
// for measuring raw query time.
func (d *Databases) Raw(ctx context.Context, it Item) (*sql.DB, error) {
	e, err := d.open(ctx, it)
	if err != nil {
		return nil, err
	}
	return e.raw, nil
}

// Close closes every database opened.
func (d *Databases) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	var first error
	for k, sl := range d.m {
		if sl.e != nil {
			if err := sl.e.closer(); err != nil && first == nil {
				first = err
			}
		}
		delete(d.m, k)
	}
	return first
}
