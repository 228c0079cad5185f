package report

import (
	"fmt"
	"strings"

	"github.com/sqlforge/sqlforge/internal/eval"
)

// term is one entry of the reports' glossary.
type term struct{ Name, Meaning string }

// glossary explains every column and figure of report.md and report.html, in the order the
// summary table shows them.
var glossary = []term{
	{"EX", "Execution accuracy: the share of items whose predicted SQL returns the same result as the gold SQL on the database, compared under the report's comparison mode (spider: rows as a multiset in any column order, row order only when the gold has ORDER BY). The main figure."},
	{"subset", "defog's subset-correct: also right when the prediction returns the gold's columns plus extra ones. Outside defog mode it equals EX."},
	{"EM", "Exact match: the predicted and gold SQL are the same text once normalised (case, spacing, quoting). Strict: a different but equivalent query counts as wrong."},
	{"ESM", "Exact-set match (Spider): the queries have the same clauses as sets - SELECT columns, FROM tables, WHERE conditions, GROUP BY, ORDER BY - values ignored. n/a when no gold query could be taken apart."},
	{"valid", "The predicted SQL prepares on the database: it parses and every table and column exists. Says nothing about the answer being right."},
	{"F1", "BIRD's soft-F1 over the results: per row, the share of the gold row's cells the predicted row matches; partial credit where EX gives none."},
	{"R-VES", "BIRD's reward-based valid efficiency score (×100): for correct predictions, how fast they run against the gold (1.25 when much faster, down to 0.25 when much slower), 0 when wrong. Measured only with --ves; n/a otherwise."},
	{"sim", "Similarity of the predicted and gold SQL text: the cosine of their token counts (or of their embeddings with --similarity embeddings:REF), 0 when nothing was predicted."},
	{"judge+EX", "EX counting also the items an LLM judge (--judge) called equivalent after the results differed. n/a without a judge."},
	{"broken gold", "Items whose gold SQL fails on the database; they count in no rate."},
	{"latency p50", "The median time of one model call, in milliseconds. n/a where no model was called (gold, file: predictions)."},
	{"tokens", "Prompt and completion tokens the model reported. n/a where none were reported."},
	{"hardness", "Spider's hardness of the gold SQL (easy, medium, hard, extra), from its number of clauses, joins and nested queries."},
	{"error classes", "Why wrong answers were wrong: syntax, unknown_table, unknown_column, runtime, timeout (the SQL failed); wrong_columns, wrong_rows, wrong_order, truncated (it ran, but returned another result); generation, empty (the model gave no SQL)."},
	{"confidence", "The confidence sqlforge serve gives an answer (0 to 1), from the model's token log-probabilities and whether the SQL prepares, runs and returns rows."},
	{"ECE", "Expected calibration error: the items' confidence is binned, and ECE averages |EX − mean confidence| over the bins, weighted by their items. 0 means the confidence is the accuracy; lower is better. n/a for models that give no confidence."},
	{"n/a", "Not measured: the metric did not apply to any item, or was not asked for. Never the same as 0."},
}

// writeGlossaryMarkdown writes the glossary section of report.md.
func writeGlossaryMarkdown(b *strings.Builder) {
	b.WriteString("\n## Glossary\n\n")
	for _, t := range glossary {
		fmt.Fprintf(b, "- **%s**: %s\n", t.Name, t.Meaning)
	}
}

// meaning is the glossary's explanation of a column of the summary table ("" when none).
func meaning(column string) string {
	column = strings.TrimSuffix(column, " ms")
	for _, t := range glossary {
		if t.Name == column {
			return t.Meaning
		}
	}
	return ""
}

// measured says which of a model's summary figures were measured: a rate over no item, or
// a latency or token count no call reported, is n/a rather than 0.
type measured struct {
	ex, esm, f1, latency, tokens bool
}

func measuredOf(m eval.ModelReport) measured {
	s := m.Summary
	ms := measured{ex: s.Scored > 0, latency: s.LatencyMS.Max > 0, tokens: s.PromptTokens+s.CompletionTokens > 0}
	for _, it := range m.Items {
		ms.esm = ms.esm || it.Metrics.ESM != nil
		ms.f1 = ms.f1 || it.Metrics.F1 != nil
	}
	return ms
}

// summaryHeader and summaryRow are the summary table, shared by report.md and report.html.
var summaryHeader = []string{"model", "EX", "subset", "EM", "ESM", "valid", "F1", "R-VES", "sim", "judge+EX", "broken gold", "latency p50 ms", "tokens"}

func summaryRow(r *eval.Report, m eval.ModelReport) []string {
	s, ms := m.Summary, measuredOf(m)
	rate := func(ok bool, f float64) string {
		if !ok {
			return eval.NA
		}
		return pct(f)
	}
	judge := eval.NA
	if s.JudgeCalls > 0 {
		judge = pct(s.EXWithJudge)
	}
	latency, tokens := eval.NA, eval.NA
	if ms.latency {
		latency = fmt.Sprintf("%.0f", s.LatencyMS.P50)
	}
	if ms.tokens {
		tokens = fmt.Sprint(s.PromptTokens + s.CompletionTokens)
	}
	sim := eval.NA
	if s.Items > 0 {
		sim = fmt.Sprintf("%.3f", s.Sim)
	}
	return []string{m.Model, rate(ms.ex, s.EX), rate(ms.ex, s.Subset), rate(s.Items > 0, s.EM), rate(ms.esm, s.ESM),
		rate(s.Items > 0, s.Valid), rate(ms.f1, s.F1), rvesCell(r, s), sim, judge, fmt.Sprint(s.BrokenGold), latency, tokens}
}

// noConfidence says, for each model without a calibration, why it has none.
func noConfidence(r *eval.Report) []string {
	var out []string
	for _, m := range r.Models {
		if m.Calibration != nil {
			continue
		}
		why := "no answer carries a confidence (answers cached before log-probabilities were kept have none: re-run with a fresh --cache)"
		if m.Model == "gold" || strings.HasPrefix(m.Model, "file:") {
			why = "no model was asked, so there is no confidence"
		}
		out = append(out, m.Model+": "+why)
	}
	return out
}
