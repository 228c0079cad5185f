package database

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// IsPostgresURL reports whether ref is a postgres:// or postgresql:// URL.
func IsPostgresURL(ref string) bool {
	return strings.HasPrefix(ref, "postgres://") || strings.HasPrefix(ref, "postgresql://")
}

// openPostgres connects to the PostgreSQL server at ref through pgx's database/sql driver,
// with every transaction read-only (default_transaction_read_only), and checks that it
// answers. Tables are found through the URL's search_path (e.g. ?search_path=northwind for
// a schema loaded by `sqlforge db load-postgres --schema northwind`), public by default.
func openPostgres(ctx context.Context, ref string) (*DB, error) {
	cfg, err := pgx.ParseConfig(ref)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", Redact(ref), err)
	}
	cfg.RuntimeParams["default_transaction_read_only"] = "on"
	db := stdlib.OpenDB(*cfg)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open database %s: %w", Redact(ref), err)
	}
	return &DB{DB: db, Name: Redact(ref), dialect: "postgres"}, nil
}

// Redact returns a database URL without its password, the form sqlforge records (a
// dataset's db field) and prints; other references come back unchanged.
func Redact(ref string) string {
	if !IsPostgresURL(ref) {
		return ref
	}
	u, err := url.Parse(ref)
	if err != nil || u.User == nil {
		return ref
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.User(u.User.Username())
	}
	return u.String()
}
