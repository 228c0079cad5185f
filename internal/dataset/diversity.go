package dataset

import (
	"strings"
	"unicode"
)

// Diversity measures how varied a set of questions is, so that a generator's phrasing can be
// compared run to run: distinct word 3-grams (lower-cased, punctuation dropped) per question,
// distinct questions, distinct first words and, for plan-made records, phrasings per plan
// feature (shape).
type Diversity struct {
	Questions int `json:"questions"`
	// Distinct3Grams is the number of distinct word 3-grams over all questions.
	Distinct3Grams int `json:"distinct_3grams"`
	// PerQuestion is Distinct3Grams / Questions.
	PerQuestion float64 `json:"distinct_3grams_per_question"`
	// Openings is the number of distinct first two words.
	Openings int `json:"distinct_openings"`
	// PhrasingsPerShape is, per shape, the number of distinct openings of its questions:
	// how many different ways the feature is asked.
	PhrasingsPerShape map[string]int `json:"phrasings_per_shape,omitempty"`
}

// MeasureDiversity computes the Diversity of recs' questions.
func MeasureDiversity(recs []Record) Diversity {
	grams := map[string]bool{}
	open := map[string]bool{}
	shapeOpen := map[string]map[string]bool{}
	for _, r := range recs {
		ws := questionWords(r.Question)
		for i := 0; i+3 <= len(ws); i++ {
			grams[strings.Join(ws[i:i+3], " ")] = true
		}
		o := strings.Join(ws[:min(2, len(ws))], " ")
		open[o] = true
		if r.Shape != "" {
			if shapeOpen[r.Shape] == nil {
				shapeOpen[r.Shape] = map[string]bool{}
			}
			shapeOpen[r.Shape][o] = true
		}
	}
	d := Diversity{Questions: len(recs), Distinct3Grams: len(grams), Openings: len(open)}
	if len(recs) > 0 {
		d.PerQuestion = float64(len(grams)) / float64(len(recs))
	}
	if len(shapeOpen) > 0 {
		d.PhrasingsPerShape = map[string]int{}
		for s, m := range shapeOpen {
			d.PhrasingsPerShape[s] = len(m)
		}
	}
	return d
}

func questionWords(q string) []string {
	return strings.FieldsFunc(strings.ToLower(q), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'' && r != '%'
	})
}
