package sampledb

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestEmbeddedNorthwindIsFresh rebuilds Northwind with the default options and
// checks that the embedded file holds the same content: the embedded file is
// not stale and the build is deterministic.
func TestEmbeddedNorthwindIsFresh(t *testing.T) {
	if testing.Short() {
		t.Skip("rebuilds the database")
	}
	out := filepath.Join(t.TempDir(), "northwind.db")
	if err := BuildNorthwind(context.Background(), readScript(t, "northwind"), out, NorthwindOptions{Seed: DefaultSeed}); err != nil {
		t.Fatal(err)
	}
	got, want := digest(t, openFile(t, out)), digest(t, openEmbedded(t, "northwind"))
	if got != want {
		t.Fatalf("fresh build digest %s, embedded %s: run `go generate ./internal/sampledb`", got, want)
	}
}

func TestEmbeddedChinookIsFresh(t *testing.T) {
	if testing.Short() {
		t.Skip("rebuilds the database")
	}
	out := filepath.Join(t.TempDir(), "chinook.db")
	if err := BuildChinook(context.Background(), readScript(t, "chinook"), out); err != nil {
		t.Fatal(err)
	}
	if got, want := digest(t, openFile(t, out)), digest(t, openEmbedded(t, "chinook")); got != want {
		t.Fatalf("fresh build digest %s, embedded %s: run `go generate ./internal/sampledb`", got, want)
	}
}

// TestBuildNorthwindSeedAndOptions builds small databases: another seed gives
// other content, and the options are honoured.
func TestBuildNorthwindSeedAndOptions(t *testing.T) {
	if testing.Short() {
		t.Skip("builds databases")
	}
	script := readScript(t, "northwind")
	from := time.Date(2021, 3, 1, 0, 0, 0, 0, time.UTC)
	to := time.Date(2021, 8, 31, 0, 0, 0, 0, time.UTC)
	build := func(seed uint64) string {
		out := filepath.Join(t.TempDir(), "nw.db")
		if err := BuildNorthwind(context.Background(), script, out, NorthwindOptions{Seed: seed, Orders: 200, From: from, To: to}); err != nil {
			t.Fatal(err)
		}
		db := openFile(t, out)
		if n := count(t, db, `SELECT count(*) FROM Orders`); n != 200 {
			t.Errorf("orders = %d, want 200", n)
		}
		if n := count(t, db, `SELECT count(*) FROM Orders WHERE OrderDate < '2021-03-01' OR OrderDate > '2021-08-31'`); n != 0 {
			t.Errorf("%d orders outside the span", n)
		}
		return digest(t, db)
	}
	a, b, c := build(7), build(7), build(8)
	if a != b {
		t.Errorf("same seed, different content: %s vs %s", a, b)
	}
	if a == c {
		t.Errorf("seeds 7 and 8 gave the same content")
	}
}

func TestBuildNorthwindErrors(t *testing.T) {
	script := readScript(t, "northwind")
	cut := script[:strings.Index(script, "CREATE TABLE [Products]")]
	line := "INSERT INTO [Order Details] (OrderID, ProductID, UnitPrice, Quantity, Discount)\r\nVALUES(10248, 42, 9.8, 10, 0.0);"
	if !strings.Contains(script, line) {
		t.Fatal("test line not in script")
	}
	oneLess := strings.Replace(script, line, "", 1)
	tests := []struct {
		name   string
		script string
		opts   NorthwindOptions
		want   string
	}{
		{"script stops early", cut, NorthwindOptions{}, "no such table"},
		{"a row missing", oneLess, NorthwindOptions{}, "has 2154 rows, want 2155"},
		{"bad sql", "CREATE TABLE (", NorthwindOptions{}, "run northwind script"},
		{"negative orders", script, NorthwindOptions{Orders: -1}, "orders must be"},
		{"empty span", script, NorthwindOptions{From: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)}, "is not before"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "nw.db")
			err := BuildNorthwind(context.Background(), tt.script, out, tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v, want one containing %q", err, tt.want)
			}
			if matches, _ := filepath.Glob(filepath.Join(filepath.Dir(out), "*")); len(matches) != 0 {
				t.Errorf("left files behind: %v", matches)
			}
		})
	}
}

func TestBuildChinookChecksCounts(t *testing.T) {
	script := readScript(t, "chinook")
	cut := script[:strings.Index(script, "INSERT INTO [Track]")]
	out := filepath.Join(t.TempDir(), "chinook.db")
	err := BuildChinook(context.Background(), cut, out)
	if err == nil || !strings.Contains(err.Error(), "stop early") {
		t.Fatalf("error = %v, want a row-count error", err)
	}
}
