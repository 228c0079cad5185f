// Command gen builds the embedded sample databases (northwind.db and
// chinook.db) from the SQL scripts under data/. It is run by `go generate`
// in internal/sampledb; `sqlforge db build` runs the same code.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/sqlforge/sqlforge/internal/sampledb"
)

func main() {
	data := flag.String("data", "../../data", "folder holding northwind/northwind.sql and chinook/chinook.sql")
	out := flag.String("out", ".", "folder to write northwind.db and chinook.db to")
	flag.Parse()
	if err := run(context.Background(), *data, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, data, out string) error {
	nw, err := os.ReadFile(filepath.Join(data, "northwind", "northwind.sql"))
	if err != nil {
		return err
	}
	if err := sampledb.BuildNorthwind(ctx, string(nw), filepath.Join(out, "northwind.db"), sampledb.NorthwindOptions{Seed: sampledb.DefaultSeed}); err != nil {
		return fmt.Errorf("build northwind: %w", err)
	}
	ch, err := os.ReadFile(filepath.Join(data, "chinook", "chinook.sql"))
	if err != nil {
		return err
	}
	if err := sampledb.BuildChinook(ctx, string(ch), filepath.Join(out, "chinook.db")); err != nil {
		return fmt.Errorf("build chinook: %w", err)
	}
	return nil
}
