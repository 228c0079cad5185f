package llm

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"github.com/sqlforge/sqlforge/internal/dataset"
	"github.com/sqlforge/sqlforge/internal/model"
	"github.com/sqlforge/sqlforge/internal/ontology"
)

// Style is a way of asking, requested of the question model so the questions vary.
type Style struct {
	Name        string
	Description string
}

// Styles are the question styles, assigned to the questions of the work units in turn.
var Styles = []Style{
	{"formal", "formal business English, a complete sentence"},
	{"colloquial", "casual and conversational, as said to a colleague"},
	{"imperative", "a command such as 'Show ...' or 'List ...', not a question"},
	{"terse", "as few words as possible, like a search box query"},
	{"vague", "loosely worded, leaving the exact measure or grouping to be inferred"},
	{"multi_part", "asks for two related things that one SQL query can still answer"},
	{"explicit_time", "names an explicit time range: a year, a quarter, or dates"},
	{"implied_time", "implies the time range ('last year', 'recently', 'in the latest quarter') without dates"},
}

// Question is one question written by the question model.
type Question struct {
	Text     string   `json:"question"`
	Style    string   `json:"style"`
	Concepts []string `json:"concepts"`
}

// questionUnit asks for questions about one concept or one combination of concepts.
type questionUnit struct {
	concepts []string // names, in the ontology's spelling
	brief    string   // the concepts described for the prompt
	styles   []Style
}

// questionUnits lists the work units: every usable metric, dimension and entity alone, then
// every metric with each dimension it may be grouped by, taken round-robin over metrics (the
// first dimension of every metric, then the second, ...), at most max units (0: all).
func questionUnits(o *ontology.Ontology, perUnit, max int) []questionUnit {
	var singles, combos []questionUnit
	metrics := make([]ontology.Metric, 0, len(o.Metrics))
	for _, m := range o.Metrics {
		if !m.Descriptive {
			metrics = append(metrics, m)
			singles = append(singles, questionUnit{concepts: []string{m.Name}, brief: describeMetric(m)})
		}
	}
	for _, d := range o.Dimensions {
		singles = append(singles, questionUnit{concepts: []string{d.Name}, brief: describeDimension(d)})
	}
	for _, e := range o.Entities {
		singles = append(singles, questionUnit{concepts: []string{e.Name},
			brief: fmt.Sprintf("- entity %q: %s (tables %s)", e.Name, e.Description, strings.Join(e.Tables, ", "))})
	}
	for j := 0; ; j++ {
		added := false
		for _, m := range metrics {
			if j >= len(m.Dimensions) {
				continue
			}
			d := o.Dimension(m.Dimensions[j])
			if d == nil {
				continue
			}
			added = true
			combos = append(combos, questionUnit{concepts: []string{m.Name, d.Name},
				brief: describeMetric(m) + "\n" + describeDimension(*d)})
		}
		if !added {
			break
		}
	}
	units := append(singles, combos...)
	if max > 0 && len(units) > max {
		units = units[:max]
	}
	for u := range units {
		for i := range perUnit {
			units[u].styles = append(units[u].styles, Styles[(u*perUnit+i)%len(Styles)])
		}
	}
	return units
}

func describeMetric(m ontology.Metric) string {
	s := fmt.Sprintf("- metric %q: %s (formula %s", m.Name, m.Description, m.Formula)
	if m.TimeColumn != "" {
		s += "; dated by " + m.TimeColumn
	}
	s += ")"
	if len(m.Synonyms) > 0 {
		s += "; also called " + strings.Join(m.Synonyms, ", ")
	}
	return s
}

func describeDimension(d ontology.Dimension) string {
	s := fmt.Sprintf("- dimension %q: %s (column %s)", d.Name, d.Description, d.SQL())
	if len(d.Values) > 0 {
		s += "; values such as " + strings.Join(d.Values[:min(5, len(d.Values))], ", ")
	}
	if len(d.Synonyms) > 0 {
		s += "; also called " + strings.Join(d.Synonyms, ", ")
	}
	return s
}

// QuestionSystemPrompt opens every question-writing request.
const QuestionSystemPrompt = "You write business questions for a text-to-SQL training set. " +
	"Each question must be answerable by one SQL query over the database described, must use the business " +
	"concepts given, and must read like a real person wrote it. Never write SQL."

func (u questionUnit) messages(o *ontology.Ontology) []model.Message {
	var b strings.Builder
	fmt.Fprintf(&b, "Database: %s. %s\n\nConcepts:\n%s\n\n", o.Name, strings.TrimSpace(o.Description), u.brief)
	fmt.Fprintf(&b, "Write %d different questions about these concepts", len(u.styles))
	if len(u.concepts) > 1 {
		b.WriteString(", each using all of them together")
	}
	b.WriteString(". Question i must have style i:\n")
	for i, s := range u.styles {
		fmt.Fprintf(&b, "%d. %s: %s\n", i+1, s.Name, s.Description)
	}
	b.WriteString("\nReturn only a JSON object: {\"questions\": [{\"question\": \"...\", \"style\": \"STYLE\"}, ...]}")
	return []model.Message{{Role: model.RoleSystem, Content: QuestionSystemPrompt}, {Role: model.RoleUser, Content: b.String()}}
}

// Reasons a question is refused, counted in Report.Questions.Invalid.
const (
	InvalidJSON      = "malformed_json"
	InvalidEmpty     = "empty"
	InvalidLength    = "length"
	InvalidSQL       = "looks_like_sql"
	InvalidDuplicate = "near_duplicate"
)

// parseQuestions reads the question model's answer: a JSON object with a "questions" array
// (or the bare array), possibly inside a code fence or prose. Each question is checked;
// refused ones are counted by reason in invalid. Styles the model mislabels take the style
// requested at that position.
func parseQuestions(text string, u questionUnit, invalid map[string]int) []Question {
	var doc struct {
		Questions []struct {
			Question string `json:"question"`
			Style    string `json:"style"`
		} `json:"questions"`
	}
	raw, ok := jsonPart(text)
	if ok && strings.HasPrefix(raw, "[") {
		raw = `{"questions":` + raw + `}`
	}
	if !ok || json.Unmarshal([]byte(raw), &doc) != nil || len(doc.Questions) == 0 {
		invalid[InvalidJSON]++
		return nil
	}
	var out []Question
	for i, q := range doc.Questions {
		if i >= len(u.styles) {
			break
		}
		text := strings.Join(strings.Fields(q.Question), " ")
		n := len(strings.Fields(text))
		up := strings.ToUpper(text)
		switch {
		case text == "":
			invalid[InvalidEmpty]++
			continue
		case n < 3 || n > 60:
			invalid[InvalidLength]++
			continue
		case strings.HasPrefix(up, "SELECT ") || strings.HasPrefix(up, "WITH ") || strings.Contains(up, " FROM ") && strings.Contains(up, "SELECT "):
			invalid[InvalidSQL]++
			continue
		}
		style := u.styles[i].Name
		if s := strings.ToLower(strings.NewReplacer(" ", "_", "-", "_").Replace(strings.TrimSpace(q.Style))); isStyle(s) {
			style = s
		}
		out = append(out, Question{Text: text, Style: style, Concepts: u.concepts})
	}
	return out
}

func isStyle(s string) bool {
	for _, st := range Styles {
		if st.Name == s {
			return true
		}
	}
	return false
}

// jsonPart returns the JSON object or array in text: inside a ```json fence if any, else from
// the first '{' or '[' to the matching last '}' or ']'.
func jsonPart(text string) (string, bool) {
	if i := strings.Index(text, "```"); i >= 0 {
		rest := text[i+3:]
		if nl := strings.IndexByte(rest, '\n'); nl >= 0 {
			rest = rest[nl+1:]
		}
		if j := strings.Index(rest, "```"); j >= 0 {
			text = rest[:j]
		}
	}
	start := strings.IndexAny(text, "{[")
	if start < 0 {
		return "", false
	}
	closer := "}"
	if text[start] == '[' {
		closer = "]"
	}
	end := strings.LastIndex(text, closer)
	if end < start {
		return "", false
	}
	return strings.TrimSpace(text[start : end+1]), true
}

// dedupeQuestions keeps the first of every set of questions whose normalised texts have a
// difflib ratio of at least threshold (the seed's 0.9), in input order.
func dedupeQuestions(qs []Question, threshold float64) (kept []Question, removed int) {
	var norms []string
	for _, q := range qs {
		n := dataset.NormalizeQuestion(q.Text)
		dup := false
		for _, k := range norms {
			if lengthBound(n, k) >= threshold && dataset.Ratio(n, k) >= threshold {
				dup = true
				break
			}
		}
		if dup {
			removed++
			continue
		}
		norms = append(norms, n)
		kept = append(kept, q)
	}
	return kept, removed
}

// lengthBound is an upper bound of difflib's ratio from the lengths alone.
func lengthBound(a, b string) float64 {
	la, lb := len([]rune(a)), len([]rune(b))
	if la+lb == 0 {
		return 1
	}
	return 2 * float64(min(la, lb)) / float64(la+lb)
}

// Diversity describes how varied the kept questions are.
type Diversity struct {
	// Questions is the number of questions described.
	Questions int `json:"questions"`
	// ByStyle counts the questions of each style.
	ByStyle map[string]int `json:"by_style"`
	// Concepts is the number of distinct ontology concepts the questions use.
	Concepts int `json:"concepts"`
	// MeanWords is the mean question length in words.
	MeanWords float64 `json:"mean_words"`
	// DistinctBigrams is the share of word bigrams that are distinct (distinct-2; higher is
	// more varied).
	DistinctBigrams float64 `json:"distinct_bigrams"`
	// MeanNearest is the mean, over questions, of the difflib ratio to the most similar other
	// question (lower is more varied; below the 0.9 of the near-duplicate rule by construction).
	MeanNearest float64 `json:"mean_nearest_ratio"`
}

// diversity reports on qs; the nearest-neighbour mean is taken over the first 1500 questions.
func diversity(qs []Question) Diversity {
	d := Diversity{Questions: len(qs), ByStyle: map[string]int{}}
	concepts := map[string]bool{}
	bigrams := map[string]bool{}
	total, words := 0, 0
	var norms []string
	for _, q := range qs {
		d.ByStyle[q.Style]++
		for _, c := range q.Concepts {
			concepts[c] = true
		}
		w := strings.Fields(strings.ToLower(q.Text))
		words += len(w)
		for i := 0; i+1 < len(w); i++ {
			bigrams[w[i]+" "+w[i+1]] = true
			total++
		}
		if len(norms) < 1500 {
			norms = append(norms, dataset.NormalizeQuestion(q.Text))
		}
	}
	d.Concepts = len(concepts)
	if len(qs) > 0 {
		d.MeanWords = round4(float64(words) / float64(len(qs)))
	}
	if total > 0 {
		d.DistinctBigrams = round4(float64(len(bigrams)) / float64(total))
	}
	if len(norms) > 1 {
		sum := 0.0
		for i, a := range norms {
			best := 0.0
			for j, b := range norms {
				if i != j && lengthBound(a, b) > best {
					best = max(best, dataset.Ratio(a, b))
				}
			}
			sum += best
		}
		d.MeanNearest = round4(sum / float64(len(norms)))
	}
	return d
}

func round4(x float64) float64 { return math.Round(x*1e4) / 1e4 }
