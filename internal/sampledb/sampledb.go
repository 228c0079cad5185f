// Package sampledb builds and embeds the sample SQLite databases that sqlforge
// works on when the user names no database of their own: "northwind" (the
// classic Northwind data moved to 2020-2024 and extended by a seeded generator,
// with the schema the seed ontology names) and "chinook" (the Chinook music
// store, as published).
//
// The databases are built by BuildNorthwind and BuildChinook from the SQL
// scripts shipped under data/, written next to this file by `go generate`
// (see gen/main.go) and embedded in the binary with go:embed, so the main job
// needs no files. docs/databases.md describes the generation model.
package sampledb

//go:generate go run ./gen -data ../../data -out .

import (
	_ "embed"
	"fmt"
	"sort"
	"strings"
)

var (
	//go:embed northwind.db
	northwindDB []byte
	//go:embed chinook.db
	chinookDB []byte
)

// Default is the name of the database used when the user names none.
const Default = "northwind"

var embedded = map[string][]byte{
	"northwind": northwindDB,
	"chinook":   chinookDB,
}

// Names lists the embedded databases, sorted.
func Names() []string {
	names := make([]string, 0, len(embedded))
	for n := range embedded {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Has reports whether name (case-insensitive) is an embedded database.
func Has(name string) bool {
	_, ok := embedded[strings.ToLower(name)]
	return ok
}

// Bytes returns the SQLite file of the embedded database name
// (case-insensitive). The slice is shared: callers must not modify it.
func Bytes(name string) ([]byte, error) {
	b, ok := embedded[strings.ToLower(name)]
	if !ok {
		return nil, fmt.Errorf("unknown sample database %q (have %s)", name, strings.Join(Names(), ", "))
	}
	return b, nil
}
