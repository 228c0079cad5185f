package sampledb

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"

	_ "modernc.org/sqlite" // the pure-Go SQLite driver, registered as "sqlite"
)

// buildFile creates a SQLite database at a temporary path next to outPath,
// lets fill populate it, then compacts it (ANALYZE, VACUUM) and renames it to
// outPath, so a failed build never leaves a half-written file behind.
func buildFile(ctx context.Context, outPath string, fill func(tmpPath string) error) (err error) {
	dir := filepath.Dir(outPath)
	f, err := os.CreateTemp(dir, "."+filepath.Base(outPath)+"-*.tmp")
	if err != nil {
		return fmt.Errorf("create temporary file for %s: %w", outPath, err)
	}
	tmp := f.Name()
	if err := f.Close(); err != nil {
		return fmt.Errorf("close %s: %w", tmp, err)
	}
	defer func() {
		if err != nil {
			os.Remove(tmp)
		}
		os.Remove(tmp + "-journal")
	}()
	if err := fill(tmp); err != nil {
		return err
	}
	if err := compact(ctx, tmp); err != nil {
		return err
	}
	if err := os.Chmod(tmp, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", outPath, err)
	}
	if err := os.Rename(tmp, outPath); err != nil {
		return fmt.Errorf("write %s: %w", outPath, err)
	}
	return nil
}

// compact gathers planner statistics and rewrites the file without free pages.
func compact(ctx context.Context, path string) error {
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	defer db.Close()
	for _, stmt := range []string{"ANALYZE", "VACUUM"} {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("%s %s: %w", stmt, path, err)
		}
	}
	return db.Close()
}

// execScript runs a whole SQL script on db (the driver executes every
// statement of a multi-statement string).
func execScript(ctx context.Context, db interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
}, name, script string) error {
	if _, err := db.ExecContext(ctx, script); err != nil {
		return fmt.Errorf("run %s script: %w", name, err)
	}
	return nil
}
