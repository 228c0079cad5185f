package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/schollz/progressbar/v3"

	"github.com/sqlforge/sqlforge/internal/datagen"
	"github.com/sqlforge/sqlforge/internal/datagen/llm"
	"github.com/sqlforge/sqlforge/internal/dataset"
)

// genSummary is what `sqlforge gen` prints (as JSON with --json).
type genSummary struct {
	Out       string                `json:"out"`
	DB        string                `json:"db"`
	Ontology  string                `json:"ontology"`
	Seed      uint64                `json:"seed"`
	Generated int                   `json:"generated"`
	Kept      int                   `json:"kept"`
	Splits    []dataset.SplitStats  `json:"splits"`
	Stats     datagen.Stats         `json:"generator"`
	Dedupe    dataset.DedupeReport  `json:"dedupe"`
	Balance   dataset.BalanceReport `json:"balance"`
	Seconds   float64               `json:"seconds"`
	Formats   []dataset.Format      `json:"formats"`
	// LLM reports the LLM-written pairs when --llm was given.
	LLM *genLLMSummary `json:"llm,omitempty"`
	// Diversity measures the kept questions' variety.
	Diversity *dataset.Diversity `json:"diversity,omitempty"`
}

// genLLMSummary is the LLM part of the summary: the manifest's report and what this run sent.
type genLLMSummary struct {
	Report llm.Report   `json:"report"`
	Run    llm.RunStats `json:"run"`
	Cache  string       `json:"cache"`
}

// llmProgress shows one bar per LLM stage on a terminal, a line every 10% otherwise.
// The generation bar (gen) is finished as the first LLM stage starts.
type llmProgressT struct {
	a     *app
	gen   *genProgressT
	stage string
	p     *genProgressT
}

func (a *app) llmProgress(gen *genProgressT) *llmProgressT { return &llmProgressT{a: a, gen: gen} }

func (l *llmProgressT) update(stage string, done, total int) {
	if stage != l.stage {
		if l.gen != nil {
			l.gen.finish()
			l.gen = nil
		}
		l.finish()
		l.stage, l.p = stage, l.a.newProgress(total, "llm "+stage, "llm "+stage, "units")
	}
	l.p.update(done, total)
}

func (l *llmProgressT) finish() {
	if l.p != nil {
		l.p.finish()
	}
}

// printGenSummary writes gen's summary to w: text, or JSON with --json.
func (a *app) printGenSummary(w io.Writer, s genSummary) error {
	if a.jsonOut {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(s)
	}
	fmt.Fprintf(w, "generated %d pairs (%d queries) from %s on %s, seed %d; %d kept after dedupe and balance\n",
		s.Generated, s.Stats.Queries, s.Ontology, s.DB, s.Seed, s.Kept)
	for _, sp := range s.Splits {
		fmt.Fprintf(w, "  %-10s %5d  easy %d  medium %d  hard %d  extra %d\n", sp.Name, sp.Count,
			sp.ByHardness["easy"], sp.ByHardness["medium"], sp.ByHardness["hard"], sp.ByHardness["extra"])
	}
	if d := s.Diversity; d != nil {
		fmt.Fprintf(w, "  diversity: %d distinct word 3-grams (%.2f per question), %d distinct openings\n",
			d.Distinct3Grams, d.PerQuestion, d.Openings)
	}
	if l := s.LLM; l != nil {
		r := l.Report
		fmt.Fprintf(w, "llm: %d questions kept of %d (invalid %v); %d pairs kept (mean agreement %.2f), rejected %v\n",
			r.Questions.Kept, r.Questions.Generated, r.Questions.Invalid, r.Kept, r.MeanAgreement, r.Rejected)
		for _, st := range []string{llm.StageQuestions, llm.StageSQL, llm.StageBack, llm.StageTriplets} {
			if u, ok := r.Usage[st]; ok {
				fmt.Fprintf(w, "  %-17s %5d requests  %8d prompt + %7d completion tokens\n", st, u.Requests, u.PromptTokens, u.CompletionTokens)
			}
		}
		fmt.Fprintf(w, "  cost $%.4f at %s prices", r.CostUSD, r.PricesAsOf)
		if len(r.Unpriced) > 0 {
			fmt.Fprintf(w, " (unpriced: %s)", strings.Join(r.Unpriced, ", "))
		}
		fmt.Fprintf(w, "; this run sent %d requests ($%.4f), %d from cache, %d units resumed, %d failed\n",
			l.Run.Sent.Requests, l.Run.CostUSD, l.Run.CacheHits, l.Run.Resumed, l.Run.Failed)
		if len(l.Run.Failures) == 0 {
			fmt.Fprintln(w, "  failed requests: none")
		} else {
			fmt.Fprintf(w, "  failed requests by reason:%s\n", llm.FailureLines(l.Run.Failures, len(l.Run.Failures)))
		}
	}
	fmt.Fprintf(w, "wrote %s in %.1fs\n", s.Out, s.Seconds)
	return nil
}

// genProgress reports generation progress: a bar on a terminal, a line every 10% otherwise,
// nothing with --quiet.
type genProgressT struct {
	bar   *progressbar.ProgressBar
	plain func(done, total int)
	last  int
}

func (a *app) genProgress(total int) *genProgressT {
	return a.newProgress(total, "generating", "generated", "pairs")
}

// newProgress reports progress: a bar titled desc on a terminal, "LABEL done/total UNIT"
// lines otherwise.
func (a *app) newProgress(total int, desc, label, unit string) *genProgressT {
	p := &genProgressT{}
	if a.quiet {
		return p
	}
	if a.stderrIsTerminal() {
		p.bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(a.stderr), progressbar.OptionSetDescription(desc),
			progressbar.OptionShowCount(), progressbar.OptionClearOnFinish())
		return p
	}
	p.plain = func(done, total int) {
		if pct := done * 10 / max(total, 1); pct > p.last || done == total {
			p.last = pct
			fmt.Fprintf(a.stderr, "%s %d/%d %s\n", label, done, total, unit)
		}
	}
	return p
}

func (p *genProgressT) update(done, total int) {
	switch {
	case p.bar != nil:
		p.bar.Set(done)
	case p.plain != nil:
		p.plain(done, total)
	}
}

// finish completes the bar; later calls do nothing.
func (p *genProgressT) finish() {
	if p.bar != nil {
		p.bar.Finish()
		p.bar = nil
	}
}
