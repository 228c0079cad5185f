package ranking

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/sqlforge/sqlforge/internal/report"
)

// Files Run writes into Out besides report/.
const (
	JSONFile     = "ranking.json"
	MarkdownFile = "ranking.md"
)

func (r *Ranking) write(out string) error {
	if err := report.WriteDir(r.ReportDir, r.Report); err != nil {
		return err
	}
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("encode %s: %w", JSONFile, err)
	}
	if err := os.WriteFile(filepath.Join(out, JSONFile), append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("write ranking: %w", err)
	}
	var b strings.Builder
	r.WriteTable(&b)
	if err := os.WriteFile(filepath.Join(out, MarkdownFile), []byte(b.String()), 0o644); err != nil {
		return fmt.Errorf("write ranking: %w", err)
	}
	return nil
}

// WriteTable writes the ranking as a Markdown table, best first.
func (r *Ranking) WriteTable(w io.Writer) {
	fmt.Fprintf(w, "| rank | base | EX | EM | valid | sim | train tok/s | answer tok/s | peak memory | final loss |\n")
	fmt.Fprintf(w, "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n")
	for _, row := range r.Rows {
		fmt.Fprintf(w, "| %d | %s | %.1f %% | %.1f %% | %.1f %% | %.3f | %.0f | %.1f | %.1f MB (%s) | %.3f |\n",
			row.Rank, row.Base, 100*row.EX, 100*row.EM, 100*row.Valid, row.Sim, row.TrainTokensPerSecond,
			row.AnswerTokensPerSecond, float64(row.PeakMemoryBytes)/1e6, row.PeakMemorySource, row.FinalLoss)
	}
	fmt.Fprintf(w, "\n%d items; the full evaluation (one model per base, best first) is in %s\n", r.Items, r.ReportDir)
}
