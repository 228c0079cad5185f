package sampledb

import (
	"context"
	"database/sql"
	"fmt"
)

// ChinookCounts are the row counts of the published Chinook script; BuildChinook
// checks them so that a script that stops early is caught.
var ChinookCounts = map[string]int{
	"Album": 347, "Artist": 275, "Customer": 59, "Employee": 8, "Genre": 25,
	"Invoice": 412, "InvoiceLine": 2240, "MediaType": 5, "Playlist": 18,
	"PlaylistTrack": 8715, "Track": 3503,
}

// BuildChinook runs the Chinook SQLite script as is into a new database file at
// outPath (written atomically) and checks the row count of every table.
func BuildChinook(ctx context.Context, script, outPath string) error {
	return buildFile(ctx, outPath, func(tmp string) error {
		db, err := sql.Open("sqlite", "file:"+tmp)
		if err != nil {
			return fmt.Errorf("open %s: %w", tmp, err)
		}
		defer db.Close()
		if err := execScript(ctx, db, "chinook", script); err != nil {
			return err
		}
		if err := checkCounts(ctx, db, "chinook", ChinookCounts); err != nil {
			return err
		}
		return db.Close()
	})
}

// checkCounts compares the row counts of tables with want.
func checkCounts(ctx context.Context, db interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, what string, want map[string]int) error {
	for _, t := range sortedKeys(want) {
		var n int
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM "`+t+`"`).Scan(&n); err != nil {
			return fmt.Errorf("count %s.%s: %w", what, t, err)
		}
		if n != want[t] {
			return fmt.Errorf("%s script: table %s has %d rows, want %d (did the script stop early?)", what, t, n, want[t])
		}
	}
	return nil
}
