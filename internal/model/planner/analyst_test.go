package planner_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/sqlforge/sqlforge/internal/plan"
)

// TestAnalystQuestions answers analyst-voice questions written for this check (not the
// held-out set in testdata/realistic) with plan:knn end to end and compares each answer's
// rows with those of the plan written beside the question. It fails when fewer than
// analystFloor of them come out right, and lists the misses with -v.
func TestAnalystQuestions(t *testing.T) {
	if testing.Short() {
		t.Skip("answers 150 questions")
	}
	for _, db := range []string{"northwind", "chinook"} {
		t.Run(db, func(t *testing.T) {
			file := "testdata/analyst_" + db + ".tsv"
			if env := os.Getenv("ANALYST_FILE_" + strings.ToUpper(db)); env != "" {
				file = env
			}
			analyst(t, worldOf(t, db), file)
		})
	}
}

func analyst(t *testing.T, w *world, file string) {
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ctx := context.Background()
	sc := bufio.NewScanner(f)
	n, right, line := 0, 0, 0
	for sc.Scan() {
		line++
		text := sc.Text()
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		q, want, ok := strings.Cut(text, "\t")
		if !ok {
			t.Fatalf("%s:%d: want question<TAB>plan", file, line)
		}
		gold, err := w.env.Compiler.Compile(w.mustPlan(t, want))
		if err != nil {
			t.Fatalf("%s:%d: compile %q: %v", file, line, want, err)
		}
		n++
		ans, err := w.knn.Answer(ctx, q)
		if err == nil && rowsKey(t, w, ans.SQL) == rowsKey(t, w, gold) {
			right++
			continue
		}
		t.Logf("miss %q\n\twant %s\n\tgot  %s (confidence %.2f)", q, want, ans.PlanText, ans.Confidence)
		if os.Getenv("ANALYST_DEBUG") != "" {
			for _, c := range w.knn.Candidates(q) {
				if c.Plan != nil {
					t.Logf("\t\t%.3f %s", c.Score, plan.Format(c.Plan))
				}
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d/%d analyst questions answered right", right, n)
	if float64(right) < analystFloor*float64(n) {
		t.Errorf("%d/%d analyst questions answered right, want at least %.0f%%", right, n, 100*analystFloor)
	}
}

// analystFloor is the share of analyst questions plan:knn must answer right.
const analystFloor = 0.85

// rowsKey is the sorted rows of sql as text, numbers to six significant digits.
func rowsKey(t *testing.T, w *world, sql string) string {
	t.Helper()
	rs, err := w.env.DB.QueryContext(context.Background(), sql)
	if err != nil {
		return "error: " + err.Error()
	}
	defer rs.Close()
	cols, _ := rs.Columns()
	var rows []string
	for rs.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rs.Scan(ptrs...); err != nil {
			return "error: " + err.Error()
		}
		cells := make([]string, len(vals))
		for i, v := range vals {
			switch v := v.(type) {
			case float64:
				cells[i] = strconv.FormatFloat(v, 'g', 6, 64)
			case []byte:
				cells[i] = string(v)
			default:
				cells[i] = fmt.Sprint(v)
			}
		}
		rows = append(rows, strings.Join(cells, "\x1f"))
	}
	sort.Strings(rows)
	return strings.Join(rows, "\n")
}
