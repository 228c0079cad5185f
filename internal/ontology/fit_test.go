package ontology

import (
	"context"
	"database/sql"
	"testing"
)

func TestForDatabase(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name     string
		db       func(t *testing.T) string // returns the database's name as database.Open gives it
		wantName string
		derived  bool // a schema no shipped ontology fits: derived, named after the database
	}{
		{"embedded chinook", func(t *testing.T) string { return "chinook" }, "chinook", false},
		{"embedded northwind", func(t *testing.T) string { return "northwind" }, "northwind", false},
		{"a copy of chinook under another name", func(t *testing.T) string { return "music" }, "chinook", false},
		{"a schema nobody described", func(t *testing.T) string { return "shop" }, "shop", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name := tt.db(t)
			src := name
			if name == "music" {
				src = "chinook"
			}
			var db *sql.DB
			if tt.derived {
				db = userDB(t)
			} else {
				db = openDB(t, src)
			}
			o, err := ForDatabase(ctx, db, name, "sqlite")
			if err != nil {
				t.Fatal(err)
			}
			if o.Name != tt.wantName {
				t.Errorf("ontology %q, want %q", o.Name, tt.wantName)
			}
			if errs := Problems(Validate(ctx, db, o)).Errors(); len(errs) > 0 {
				t.Errorf("the ontology does not fit: %v", errs)
			}
		})
	}
}
