package constrain

import (
	"strings"
	"testing"

	"github.com/sqlforge/sqlforge/internal/lm"
)

// fakeVocab has a few tokens and one special end token (id 0).
type fakeVocab []string

func (v fakeVocab) VocabSize() int          { return len(v) }
func (v fakeVocab) Decode(ids []int) string { return v[ids[0]] }
func (v fakeVocab) IsSpecial(id int) bool   { return id == 0 }

func TestPrefix(t *testing.T) {
	vocab := fakeVocab{"<end>", "rev", "enue", " by", " product", " colour", ""}
	want := "revenue by product"
	check := func(text string) (bool, bool) {
		return strings.HasPrefix(want, text) || text == "revenue", text == want || text == "revenue"
	}
	p := NewPrefix(TokenTexts(vocab), check, []int{0})
	var s lm.ConstraintState = p.Begin()
	steps := []struct {
		token int
		ok    bool
	}{{0, false}, {2, false}, {1, true}, {5, false}, {2, true}, {6, false}, {3, true}, {0, false}, {5, false}, {4, true}, {0, true}, {1, false}}
	for i, st := range steps {
		next, ok := s.Advance(st.token)
		if ok != st.ok {
			t.Fatalf("step %d: token %q allowed %v, want %v", i, vocab[st.token], ok, st.ok)
		}
		if ok {
			s = next
		}
	}
}
