package dataset

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestPartsBySplitOrder(t *testing.T) {
	recs := []Record{{Question: "a", Split: "zeta"}, {Question: "b", Split: SplitTest}, {Question: "c"},
		{Question: "d", Split: SplitTrain}, {Question: "e", Split: "alpha"}, {Question: "f", Split: SplitTest}}
	var got []string
	for _, p := range PartsBySplit(recs) {
		for _, r := range p.Records {
			got = append(got, p.Name+":"+r.Question)
		}
	}
	want := []string{"train:d", "test:b", "test:f", "all:c", "alpha:e", "zeta:a"}
	if d := cmp.Diff(got, want); d != "" {
		t.Errorf("parts (-got +want):\n%s", d)
	}
}
