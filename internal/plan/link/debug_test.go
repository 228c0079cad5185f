package link_test

import (
	"bufio"
	"fmt"
	"os"
	"testing"

	"github.com/sqlforge/sqlforge/internal/plan"
)

// TestDebugLinks is a developer tool, not a check: it prints the mentions and candidate plans
// of the questions in the file $LINK_DEBUG (one per line).
func TestDebugLinks(t *testing.T) {
	path := os.Getenv("LINK_DEBUG")
	if path == "" {
		t.Skip()
	}
	db := os.Getenv("LINK_DEBUG_DB")
	if db == "" {
		db = "northwind"
	}
	f := linker(t, db)
	file, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(file)
	for sc.Scan() {
		q := sc.Text()
		fmt.Println("Q:", q)
		ls := f.l.Links(q)
		for _, m := range ls.Mentions {
			fmt.Printf("   m %s %s %q by=%v dims=%v\n", m.Kind, m.ID, m.Text, m.By, m.Dims)
		}
		fmt.Printf("   howmany=%q missing=%v\n", ls.HowMany, ls.Missing)
		for i, c := range f.l.Plans(q, 4) {
			fmt.Printf("   %d %.2f %s  miss=%v\n", i, c.Score, plan.Format(c.Plan), c.Missing)
		}
	}
}
