// Package database opens the databases sqlforge works on: the embedded SQLite
// sample databases (package sampledb), by name, any other SQLite file, by path,
// a PostgreSQL server and a BigQuery dataset, by URL, always read-only.
//
// A database reference ("ref") is "" (the default, northwind), the name of an
// embedded database ("northwind", "chinook", case-insensitive), a postgres:// or
// postgresql:// URL, a bigquery://HOST:PORT/PROJECT/DATASET URL (package bqdb), or the
// path of a SQLite file (write "./northwind" for a
// file of that name).
// Read-only is enforced twice: the file is opened with mode=ro, and every
// connection runs PRAGMA query_only=1.
package database

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/sqlforge/sqlforge/internal/sampledb"
	"github.com/sqlforge/sqlforge/internal/sqlexec"
	_ "modernc.org/sqlite" // the pure-Go SQLite driver, registered as "sqlite"
)

// sqliteHeader starts every SQLite 3 database file.
const sqliteHeader = "SQLite format 3\x00"

// ErrNotSQLite is returned (wrapped) for a file that is not a SQLite database.
var ErrNotSQLite = errors.New("not a SQLite database")

// DB is an open, read-only database.
type DB struct {
	*sql.DB
	// Name is the embedded database's name, or the file's base name without
	// extension.
	Name string
	// Path is the file that was opened (for an embedded database, its copy in
	// the user's cache folder).
	Path string
	// Embedded tells whether the database is one of sqlforge's samples.
	Embedded bool

	dialect string // "" is sqlite
}

// Dialect names the SQL dialect of the database: "sqlite", "postgres" or "bigquery".
func (db *DB) Dialect() string {
	if db.dialect == "" {
		return "sqlite"
	}
	return db.dialect
}

// Open opens the database that ref names, read-only, and checks that it
// answers. See the package comment for what ref can be.
func Open(ctx context.Context, ref string) (*DB, error) {
	if ref == "" {
		ref = sampledb.Default
	}
	if IsPostgresURL(ref) {
		return openPostgres(ctx, ref)
	}
	if IsBigQueryURL(ref) {
		return openBigQuery(ctx, ref)
	}
	if sampledb.Has(ref) {
		path, err := cachedCopy(strings.ToLower(ref))
		if err != nil {
			return nil, fmt.Errorf("open database %s: %w", ref, err)
		}
		db, err := openFile(ctx, path)
		if err != nil {
			return nil, fmt.Errorf("open database %s: %w", ref, err)
		}
		return &DB{DB: db, Name: strings.ToLower(ref), Path: path, Embedded: true}, nil
	}
	if err := checkSQLiteFile(ref); err != nil {
		return nil, fmt.Errorf("open database %s: %w", ref, err)
	}
	db, err := openFile(ctx, ref)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", ref, err)
	}
	name := strings.TrimSuffix(filepath.Base(ref), filepath.Ext(ref))
	return &DB{DB: db, Name: name, Path: ref}, nil
}

// checkSQLiteFile fails unless path is a regular file that starts with the
// SQLite header.
func checkSQLiteFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return errors.New("no such file")
		}
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	if st.IsDir() {
		return errors.New("is a directory, not a SQLite database")
	}
	head := make([]byte, len(sqliteHeader))
	if _, err := io.ReadFull(f, head); err != nil || !bytes.Equal(head, []byte(sqliteHeader)) {
		return ErrNotSQLite
	}
	return nil
}

// openFile opens a SQLite file read-only and pings it.
func openFile(ctx context.Context, path string) (*sql.DB, error) {
	db, err := sql.Open("sqlite", sqlexec.ReadOnlyDSN(path))
	if err != nil {
		return nil, err
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, err
	}
	// Reading the schema proves the file is a usable database (a damaged
	// file can have a valid header).
	var n int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master").Scan(&n); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}
