package report

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/sqlforge/sqlforge/internal/dataset"
	"github.com/sqlforge/sqlforge/internal/eval"
)

// WriteMarkdown writes the summary tables: one row per model with every
// metric, EX per hardness, EX per BIRD difficulty (BIRD data), error
// classes, and the calibration of confidence.
func WriteMarkdown(w io.Writer, r *eval.Report) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# Evaluation report\n\n")
	fmt.Fprintf(&b, "Data `%s`, %d items, comparison mode `%s`", r.Data, r.Items, r.Mode)
	if r.KeepDistinct {
		b.WriteString(", DISTINCT kept")
	}
	if r.Tolerance > 0 {
		fmt.Fprintf(&b, ", tolerance %g", r.Tolerance)
	}
	if r.Judge != "" {
		fmt.Fprintf(&b, ", judge `%s`", r.Judge)
	}
	fmt.Fprintf(&b, ", %s", vesSetting(r))
	b.WriteString(".\n\n## Summary\n\n")
	writeTableMarkdown(&b, summaryHeader, summaryRows(r))
	b.WriteString("\n## EX by hardness\n\n")
	hs := hardnesses(r)
	b.WriteString("| model |")
	for _, h := range hs {
		fmt.Fprintf(&b, " %s |", h)
	}
	b.WriteString("\n|---|" + strings.Repeat("---:|", len(hs)) + "\n")
	for _, m := range r.Models {
		fmt.Fprintf(&b, "| %s |", mdCell(m.Model))
		for _, h := range hs {
			cell := "—"
			for _, x := range m.ByHardness {
				if x.Hardness == h {
					cell = fmt.Sprintf("%s (%d)", pct(x.Summary.EX), x.Summary.Scored)
				}
			}
			fmt.Fprintf(&b, " %s |", cell)
		}
		b.WriteString("\n")
	}
	if ds := difficulties(r); len(ds) > 0 {
		b.WriteString("\n## EX by BIRD difficulty\n\n| model |")
		for _, d := range ds {
			fmt.Fprintf(&b, " %s |", d)
		}
		b.WriteString("\n|---|" + strings.Repeat("---:|", len(ds)) + "\n")
		for _, m := range r.Models {
			fmt.Fprintf(&b, "| %s |", mdCell(m.Model))
			for _, d := range ds {
				fmt.Fprintf(&b, " %s |", difficultyCell(m, d))
			}
			b.WriteString("\n")
		}
	}
	classes := errorClasses(r)
	if len(classes) > 0 {
		b.WriteString("\n## Error classes\n\n| model |")
		for _, c := range classes {
			fmt.Fprintf(&b, " %s |", c)
		}
		b.WriteString("\n|---|" + strings.Repeat("---:|", len(classes)) + "\n")
		for _, m := range r.Models {
			fmt.Fprintf(&b, "| %s |", mdCell(m.Model))
			for _, c := range classes {
				fmt.Fprintf(&b, " %d |", m.Summary.Errors[c])
			}
			b.WriteString("\n")
		}
	}
	writeCalibrationMarkdown(&b, r)
	writeGlossaryMarkdown(&b)
	_, err := io.WriteString(w, b.String())
	return err
}

// summaryRows is the summary table's rows, one per model.
func summaryRows(r *eval.Report) [][]string {
	rows := make([][]string, len(r.Models))
	for i, m := range r.Models {
		rows[i] = summaryRow(r, m)
	}
	return rows
}

// writeTableMarkdown writes a table whose first column (the model) is text and the others
// figures, right-aligned.
func writeTableMarkdown(b *strings.Builder, header []string, rows [][]string) {
	b.WriteString("| " + strings.Join(header, " | ") + " |\n")
	b.WriteString("|---|" + strings.Repeat("---:|", len(header)-1) + "\n")
	for _, row := range rows {
		b.WriteString("|")
		for i, c := range row {
			if i == 0 {
				c = mdCell(c)
			}
			fmt.Fprintf(b, " %s |", c)
		}
		b.WriteString("\n")
	}
}

// hardnesses lists the hardness classes present in any model, in order.
func hardnesses(r *eval.Report) []string {
	seen := map[string]bool{}
	for _, m := range r.Models {
		for _, h := range m.ByHardness {
			seen[h.Hardness] = true
		}
	}
	var out []string
	for _, h := range eval.HardnessOrder {
		if seen[h] {
			out = append(out, h)
			delete(seen, h)
		}
	}
	var rest []string
	for h := range seen {
		rest = append(rest, h)
	}
	sort.Strings(rest)
	return append(out, rest...)
}

// difficulties lists the BIRD difficulty classes present in any model, in
// BIRD's order (simple, moderate, challenging); none for other data.
func difficulties(r *eval.Report) []string {
	seen := map[string]bool{}
	for _, m := range r.Models {
		for _, d := range m.ByDifficulty {
			seen[d.Difficulty] = true
		}
	}
	var out []string
	for _, d := range dataset.BIRDDifficulties {
		if seen[d] {
			out = append(out, d)
		}
	}
	return out
}

// difficultyCell is a model's EX on one difficulty class and the items it
// is over, "—" when the model has none of them.
func difficultyCell(m eval.ModelReport, d string) string {
	for _, x := range m.ByDifficulty {
		if x.Difficulty == d {
			return fmt.Sprintf("%s (%d)", pct(x.Summary.EX), x.Summary.Scored)
		}
	}
	return "—"
}

// vesSetting says whether and how R-VES was measured.
func vesSetting(r *eval.Report) string {
	if r.VESRepeat <= 0 {
		return "R-VES not measured"
	}
	return fmt.Sprintf("R-VES over %d timings per query pair", r.VESRepeat)
}

// rvesCell is a summary's R-VES, n/a where it was not measured (R-VES off, or
// no item it applies to).
func rvesCell(r *eval.Report, s eval.Summary) string {
	if r.VESRepeat <= 0 || s.VESItems == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.2f", s.RVES)
}

// errorClasses lists the error classes any model has, sorted.
func errorClasses(r *eval.Report) []string {
	seen := map[string]bool{}
	for _, m := range r.Models {
		for c := range m.Summary.Errors {
			seen[c] = true
		}
	}
	var out []string
	for c := range seen {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

func pct(f float64) string { return fmt.Sprintf("%.1f%%", 100*f) }

func mdCell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
