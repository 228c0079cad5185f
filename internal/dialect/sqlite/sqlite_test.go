package sqlite_test

import (
	"database/sql"
	"testing"

	_ "modernc.org/sqlite"

	"github.com/sqlforge/sqlforge/internal/dialect/dialecttest"
	"github.com/sqlforge/sqlforge/internal/dialect/sqlite"
)

func TestConformance(t *testing.T) {
	db, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	dialecttest.Run(t, db, sqlite.New())
}

func TestQuote(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Orders", "Orders"},
		{"order_details", "order_details"},
		{"Order Details", `"Order Details"`},
		{"group", `"group"`},
		{`we"ird`, `"we""ird"`},
		{"1st", `"1st"`},
	} {
		if got := sqlite.New().Quote(c.in); got != c.want {
			t.Errorf("Quote(%q) = %s, want %s", c.in, got, c.want)
		}
	}
}
