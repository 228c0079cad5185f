package datagen

import (
	"context"
	"strings"
	"testing"

	"github.com/sqlforge/sqlforge/internal/dataset"
)

// TestAugmentYears checks year-swapped copies: the year changes in the
// question and the SQL alike, every copy runs with rows on Northwind, and
// records without exactly one shared year, or whose copies return nothing,
// get none.
func TestAugmentYears(t *testing.T) {
	db, _ := northwind(t)
	recs := []dataset.Record{
		{ID: "a", Question: "Total freight in 2022?", SQL: "SELECT SUM(Orders.Freight) AS value FROM Orders WHERE CAST(strftime('%Y', Orders.OrderDate) AS INTEGER) = 2022", Source: "template"},
		{ID: "b", Question: "Freight in 2021 and 2022?", SQL: "SELECT 1 WHERE 2021 < 2022"},
		{ID: "c", Question: "How many orders were placed?", SQL: "SELECT COUNT(*) FROM Orders"},
		{ID: "d", Question: "Orders in 2023?", SQL: "SELECT COUNT(*) FROM Orders"},
		{ID: "e", Question: "Orders shipped in 2022?", SQL: "SELECT Orders.OrderID FROM Orders WHERE strftime('%Y', Orders.ShippedDate) = '2022' AND Orders.OrderID < 0"},
		// An aggregate over nothing is one all-NULL row: not verified.
		{ID: "f", Question: "Freight of no order in 2022?", SQL: "SELECT SUM(Orders.Freight) FROM Orders WHERE strftime('%Y', Orders.OrderDate) = '2022' AND Orders.OrderID < 0"},
	}
	got, err := AugmentYears(context.Background(), db.DB, recs, []int{2020, 2021, 2022, 2023, 2024}, 2, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("%d copies, want 2 (of record a only): %+v", len(got), got)
	}
	seen := map[string]bool{}
	for _, c := range got {
		if !strings.HasPrefix(c.ID, "a-y") || c.Source != "augment:year" {
			t.Errorf("copy %s from %s", c.ID, c.Source)
		}
		y := strings.TrimPrefix(c.ID, "a-y")
		if y == "2022" || seen[y] || !strings.Contains(c.Question, y) || !strings.HasSuffix(c.SQL, "= "+y) || strings.Contains(c.SQL, "2022") {
			t.Errorf("copy %s: %q / %q", c.ID, c.Question, c.SQL)
		}
		seen[y] = true
		if c.Rows != 1 {
			t.Errorf("copy %s: %d rows recorded, want 1", c.ID, c.Rows)
		}
		var v *float64
		if err := db.DB.QueryRowContext(context.Background(), c.SQL).Scan(&v); err != nil || v == nil {
			t.Errorf("copy %s does not return a value: %v", c.ID, err)
		}
	}
}
