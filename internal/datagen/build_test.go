package datagen

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sqlforge/sqlforge/internal/dataset"
)

// TestMixLLMGroupsByResult checks the leakage-free grouping: an LLM pair whose result equals a
// template pair's (or an earlier LLM pair's) result joins that pair's group, so the split keeps
// every question answered by the same rows on one side.
func TestMixLLMGroupsByResult(t *testing.T) {
	rec := func(q, src, group, hash string) dataset.Record {
		return dataset.Record{Question: q, Source: src, Group: group, ResultHash: hash}
	}
	templ := []dataset.Record{
		rec("t1", "plan", "g1", "h1"),
		rec("t2", "plan", "g2", "h1"), // same rows as t1: the first group wins
		rec("t3", "plan", "g3", "h3"),
		rec("t4", "plan", "g4", ""), // no result hash: never a group to join
	}
	gen := []dataset.Record{
		rec("l1", "llm:m", "x1", "h1"), // joins t1's group
		rec("l2", "llm:m", "x2", "h9"), // new result: keeps its own group
		rec("l3", "llm:m", "x3", "h9"), // same rows as l2: joins l2's group
		rec("l4", "llm:m", "x4", ""),   // no hash: keeps its own group
		rec("l5", "llm:m", "x5", "h3"), // joins t3's group
	}
	got := mixLLM(templ, gen)
	var groups []string
	for _, r := range got {
		groups = append(groups, r.Question+"="+r.Group)
	}
	want := []string{"t1=g1", "t2=g2", "t3=g3", "t4=g4", "l1=g1", "l2=x2", "l3=x2", "l4=x4", "l5=g3"}
	if d := cmp.Diff(groups, want); d != "" {
		t.Errorf("groups (-got +want):\n%s", d)
	}
	if gen[0].Group != "x1" || templ[1].Group != "g2" {
		t.Errorf("mixLLM changed its inputs: %q %q", gen[0].Group, templ[1].Group)
	}
}

func TestBySourceKeepsOrder(t *testing.T) {
	recs := []dataset.Record{{Question: "a", Source: "plan"}, {Question: "b", Source: "llm:m"}, {Question: "c"}, {Question: "d", Source: "llm:n"}}
	templ, other := bySource(recs)
	qs := func(rs []dataset.Record) (out []string) {
		for _, r := range rs {
			out = append(out, r.Question)
		}
		return out
	}
	if d := cmp.Diff(qs(templ), []string{"a", "c"}); d != "" {
		t.Errorf("template records (-got +want):\n%s", d)
	}
	if d := cmp.Diff(qs(other), []string{"b", "d"}); d != "" {
		t.Errorf("LLM records (-got +want):\n%s", d)
	}
}

func TestGeneratorNamed(t *testing.T) {
	for name, want := range map[string]string{"plans": PlanVersion, "templates": Version} {
		if _, v, err := generatorNamed(name); err != nil || v != want {
			t.Errorf("generatorNamed(%q) = %q, %v; want %q", name, v, err, want)
		}
	}
	_, _, err := generatorNamed("")
	if _, ok := err.(*OptionError); !ok {
		t.Errorf("generatorNamed(\"\") = %v, want an *OptionError", err)
	}
}
