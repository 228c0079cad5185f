package cli

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sqlforge/sqlforge/internal/ranking"
)

// TestTrainRanksBases runs `train --base A --base B` on two tiny random bases with one recipe
// and checks the ranking it prints; the flags that cannot work are refused.
func TestTrainRanksBases(t *testing.T) {
	a, data := tinyBase(t)
	b, _ := tinyBase(t)
	out := filepath.Join(t.TempDir(), "rank")
	code, stdout, errOut := runCLI(t, "train", "--base", a, "--base", b, "--data", data, "--eval", data,
		"--out", out, "--steps", "2", "--batch", "2", "--lora-r", "4", "--json")
	if code != 0 {
		t.Fatalf("train: exit %d: %s", code, errOut)
	}
	var r ranking.Ranking
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatalf("ranking %q: %v", stdout, err)
	}
	if len(r.Rows) != 2 || r.Items != len(tinyRecords) || r.Rows[0].Rank != 1 || r.Rows[0].Steps != 2 {
		t.Fatalf("ranking %+v", r)
	}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no evaluation records", []string{"train", "--base", a, "--base", b, "--data", data, "--out", t.TempDir()}, "--eval"},
		{"same base twice", []string{"train", "--base", a, "--base", a, "--data", data, "--eval", data, "--out", t.TempDir()}, "given twice"},
		{"run takes one base", []string{"run", "--base", a, "--base", b, "--out", t.TempDir()}, "one --base"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errOut := runCLI(t, tc.args...)
			if code == 0 || !strings.Contains(errOut, tc.want) {
				t.Errorf("exit %d, stderr %q; want a failure naming %q", code, errOut, tc.want)
			}
		})
	}
}
