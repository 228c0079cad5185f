package link_test

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"testing"
)

// TestMeasureRealistic counts the held-out questions whose top plan returns the gold's rows
// (sorted tuples of strings, numbers within 1e-6 relative). Measurement only: it prints
// totals, never items, and runs only with LINK_MEASURE=1.
func TestMeasureRealistic(t *testing.T) {
	if os.Getenv("LINK_MEASURE") != "1" {
		t.Skip("set LINK_MEASURE=1 to measure on testdata/realistic")
	}
	for _, name := range []string{"northwind", "chinook"} {
		f := linker(t, name)
		file, err := os.Open(filepath.Join("..", "..", "..", "testdata", "realistic", name+".jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(file)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		n, exprN, ok, exprOK, planned := 0, 0, 0, 0, 0
		for sc.Scan() {
			var it struct {
				Question, SQL string
				Expressible   *bool
			}
			if json.Unmarshal(sc.Bytes(), &it) != nil {
				continue
			}
			n++
			expr := it.Expressible != nil && *it.Expressible
			if expr {
				exprN++
			}
			cands := f.l.Plans(it.Question, 1)
			if len(cands) == 0 {
				continue
			}
			planned++
			if sameRows(f.db.DB, cands[0].SQL, it.SQL) {
				ok++
				if expr {
					exprOK++
				}
			}
		}
		file.Close()
		t.Logf("%s: %d/%d questions' top plan returns the gold rows (%d/%d of those marked expressible); %d got a plan",
			name, ok, n, exprOK, exprN, planned)
	}
}

func sameRows(db *sql.DB, a, b string) bool {
	ra, err := rowsOf(db, a)
	if err != nil {
		return false
	}
	rb, err := rowsOf(db, b)
	if err != nil || len(ra) != len(rb) {
		return false
	}
	for i := range ra {
		if len(ra[i]) != len(rb[i]) {
			return false
		}
		for j := range ra[i] {
			if !sameCell(ra[i][j], rb[i][j]) {
				return false
			}
		}
	}
	return true
}

func sameCell(x, y string) bool {
	if x == y {
		return true
	}
	fx, e1 := strconv.ParseFloat(x, 64)
	fy, e2 := strconv.ParseFloat(y, 64)
	if e1 != nil || e2 != nil {
		return false
	}
	return math.Abs(fx-fy) <= 1e-6*math.Max(1, math.Max(math.Abs(fx), math.Abs(fy)))
}

// rowsOf runs q and returns its rows as strings, sorted (numbers rounded in the sort key only).
func rowsOf(db *sql.DB, q string) ([][]string, error) {
	rows, err := db.QueryContext(context.Background(), q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out [][]string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		row := make([]string, len(cols))
		for i, v := range vals {
			switch v := v.(type) {
			case nil:
				row[i] = "NULL"
			case []byte:
				row[i] = string(v)
			case float64:
				row[i] = strconv.FormatFloat(v, 'g', -1, 64)
			default:
				row[i] = fmt.Sprint(v)
			}
		}
		out = append(out, row)
	}
	key := func(r []string) string {
		s := ""
		for _, c := range r {
			if f, err := strconv.ParseFloat(c, 64); err == nil {
				c = strconv.FormatFloat(f, 'g', 6, 64)
			}
			s += c + "\x00"
		}
		return s
	}
	sort.Slice(out, func(i, j int) bool { return key(out[i]) < key(out[j]) })
	return out, rows.Err()
}
