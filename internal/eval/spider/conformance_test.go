package spider

import (
	"bufio"
	"compress/gzip"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// readLines returns the non-blank lines of a file (gzip when named .gz),
// split at tabs, as evaluation.py reads gold and prediction files.
func readLines(t *testing.T, name string) [][]string {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var sc *bufio.Scanner
	if strings.HasSuffix(name, ".gz") {
		z, err := gzip.NewReader(f)
		if err != nil {
			t.Fatal(err)
		}
		sc = bufio.NewScanner(z)
	} else {
		sc = bufio.NewScanner(f)
	}
	sc.Buffer(nil, 1<<20)
	var out [][]string
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" {
			out = append(out, strings.Split(l, "\t"))
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestOfficialVerdicts compares hardness and exact-set match (without and
// with values) item by item with the official evaluator's (testdata/README.md).
func TestOfficialVerdicts(t *testing.T) {
	dbs, err := ReadTables(filepath.Join("testdata", "tables.json"))
	if err != nil {
		t.Fatal(err)
	}
	golds := readLines(t, "gold_example.txt")
	var mutGolds [][]string
	for _, g := range golds {
		for range 17 {
			mutGolds = append(mutGolds, g)
		}
	}
	for _, set := range []struct {
		name        string
		gold, pred  [][]string
		wantMatches int
	}{
		{"ex", golds, readLines(t, "pred_example.txt"), 721},
		{"ts", readLines(t, "ts_gold.txt"), readLines(t, "ts_pred.txt"), 27},
		{"mut", mutGolds, readLines(t, "mutations_pred.txt.gz"), 16108},
	} {
		want := readLines(t, set.name+"_official.tsv")
		if len(set.gold) != len(want) || len(set.pred) != len(want) {
			t.Fatalf("%s: %d gold, %d pred, %d verdicts", set.name, len(set.gold), len(set.pred), len(want))
		}
		bad, matches := 0, 0
		for i, g := range set.gold {
			d := dbs[g[1]]
			for v, withValues := range []bool{false, true} {
				e := &Evaluator{Schema: d.Schema(), ForeignKeys: d.ForeignKeys(), WithValues: withValues}
				gold, err := e.ParseGold(g[0])
				if err != nil {
					t.Fatalf("%s %d: gold: %v", set.name, i, err)
				}
				got := e.Match(gold, set.pred[i][0])
				if got && !withValues {
					matches++
				}
				if gold.Hardness != want[i][0] || got != (want[i][1+v] == "1") {
					if bad++; bad <= 10 {
						t.Errorf("%s %d (values %v): got %s %v, want %s %s\ngold %s\npred %s", set.name, i, withValues,
							gold.Hardness, got, want[i][0], want[i][1+v], g[0], set.pred[i][0])
					}
				}
			}
		}
		if bad > 0 || matches != set.wantMatches {
			t.Errorf("%s: %d disagreements over %d items; %d matches, want %d", set.name, bad, len(want), matches, set.wantMatches)
		}
	}
}

// TestResultFile checks the result file Spider ships: every item it lists
// as wrong is wrong here with the same hardness, and every other item is
// right here or differs from its gold only in the FROM tables.
func TestResultFile(t *testing.T) {
	dbs, err := ReadTables(filepath.Join("testdata", "tables.json"))
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join("testdata", "eval_result_example.txt"))
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`(?m)^(easy|medium|hard|extra) pred: (.*)\n(?:easy|medium|hard|extra) gold: (.*)$`)
	listed := re.FindAllStringSubmatch(string(data), -1)
	golds, preds := readLines(t, "gold_example.txt"), readLines(t, "pred_example.txt")
	j, fromOnly := 0, 0
	for i, g := range golds {
		d := dbs[g[1]]
		e := &Evaluator{Schema: d.Schema(), ForeignKeys: d.ForeignKeys()}
		gold, err := e.ParseGold(g[0])
		if err != nil {
			t.Fatal(err)
		}
		got := e.Match(gold, preds[i][0])
		if j < len(listed) && strings.TrimSpace(listed[j][2]) == preds[i][0] && strings.TrimSpace(listed[j][3]) == g[0] {
			if got || gold.Hardness != listed[j][1] {
				t.Errorf("item %d: got %v %s, the file lists it wrong, %s", i, got, gold.Hardness, listed[j][1])
			}
			j++
			continue
		}
		if !got {
			p, _ := Parse(e.Schema, preds[i][0])
			q, _ := Parse(e.Schema, g[0])
			p, q = e.rebuild(p), e.rebuild(q)
			p.from, q.from = nil, nil
			if !exactMatch(p, q) {
				t.Errorf("item %d: wrong here beyond FROM, right in the file", i)
			}
			fromOnly++
		}
	}
	if j != len(listed) || j != 284 || fromOnly != 29 {
		t.Errorf("aligned %d of %d listed items (want 284); %d differ in FROM only (want 29)", j, len(listed), fromOnly)
	}
}
