package dataset

import (
	"fmt"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// synthetic builds n groups of 1-4 phrasings over 4 hardness levels and 3 shapes.
func synthetic(n int) []Record {
	hard := []string{"easy", "medium", "hard", "extra"}
	shapes := []string{"single", "grouped", "topk"}
	var recs []Record
	for g := 0; g < n; g++ {
		for p := 0; p <= g%4; p++ {
			q := fmt.Sprintf("question %d phrasing %d", g, p)
			sql := fmt.Sprintf("SELECT %d", g)
			recs = append(recs, Record{ID: RecordID(q, sql), Question: q, SQL: sql, Group: fmt.Sprintf("g%d", g),
				Hardness: hard[g%len(hard)], Shape: shapes[(g/4)%len(shapes)], Source: "template"})
		}
	}
	return recs
}

func TestSplitNoLeakageAndProportions(t *testing.T) {
	recs := synthetic(2000)
	for _, tt := range []struct {
		name string
		opts SplitOptions
		want []float64
	}{
		{"default", SplitOptions{Seed: 1}, []float64{0.8, 0.1, 0.1}},
		{"val", SplitOptions{Seed: 7, Names: []string{"train", "test", "val"}}, []float64{0.8, 0.1, 0.1}},
		{"70-20-10", SplitOptions{Seed: 3, Fractions: []float64{7, 2, 1}}, []float64{0.7, 0.2, 0.1}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			parts, err := Split(recs, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			where := map[string]string{}
			total := 0
			for _, p := range parts {
				for _, r := range p.Records {
					if r.Split != p.Name {
						t.Fatalf("record in %s has Split %q", p.Name, r.Split)
					}
					if w, ok := where[r.Group]; ok && w != p.Name {
						t.Fatalf("group %s in both %s and %s", r.Group, w, p.Name)
					}
					where[r.Group] = p.Name
				}
				total += len(p.Records)
			}
			if total != len(recs) {
				t.Fatalf("split holds %d records, want %d", total, len(recs))
			}
			for k, p := range parts {
				got := float64(len(p.Records)) / float64(total)
				if math.Abs(got-tt.want[k]) > 0.01 {
					t.Errorf("%s share %.3f, want %.3f±0.01", p.Name, got, tt.want[k])
				}
				// Stratification: every hardness level is near its overall share in each split.
				st := Stats(p.Name, p.Records)
				for _, h := range []string{"easy", "medium", "hard", "extra"} {
					overall := float64(Stats("", recs).ByHardness[h]) / float64(len(recs))
					share := float64(st.ByHardness[h]) / float64(len(p.Records))
					if math.Abs(share-overall) > 0.05 {
						t.Errorf("%s: hardness %s share %.3f, overall %.3f", p.Name, h, share, overall)
					}
				}
			}
			if tt.opts.Names != nil && parts[2].Name != "val" {
				t.Errorf("third split named %q, want val", parts[2].Name)
			}
		})
	}
}

func TestSplitDeterministic(t *testing.T) {
	recs := synthetic(300)
	a, _ := Split(recs, SplitOptions{Seed: 42})
	b, _ := Split(recs, SplitOptions{Seed: 42})
	if d := cmp.Diff(a, b); d != "" {
		t.Fatalf("same seed, different split (-got +want):\n%s", d)
	}
	// Input order must not matter either.
	rev := make([]Record, len(recs))
	for i := range recs {
		rev[len(recs)-1-i] = recs[i]
	}
	c, _ := Split(rev, SplitOptions{Seed: 42})
	for k := range a {
		if len(a[k].Records) != len(c[k].Records) {
			t.Fatalf("%s: %d records from reversed input, %d from original", a[k].Name, len(c[k].Records), len(a[k].Records))
		}
	}
	d, _ := Split(recs, SplitOptions{Seed: 43})
	if cmp.Equal(a, d) {
		t.Fatal("seeds 42 and 43 gave the same split")
	}
}

func TestSplitBadOptions(t *testing.T) {
	for _, o := range []SplitOptions{
		{Fractions: []float64{0.5, 0.5}},
		{Fractions: []float64{-1, 1, 1}},
		{Fractions: []float64{0, 0, 0}},
		{Names: []string{"a", "b"}},
	} {
		if _, err := Split(synthetic(3), o); err == nil {
			t.Errorf("Split with %+v: no error", o)
		}
	}
}
