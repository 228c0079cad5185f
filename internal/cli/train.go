package cli

import (
	"fmt"
	"math"
	"os"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/sqlforge/sqlforge/internal/train/local"
)

// trainProgress shows a training loop's steps: a bar with the loss and
// tokens/s on a terminal, a plain line every few steps otherwise, nothing
// with --quiet.
type trainProgress struct {
	a     *app
	label string
	bar   *progressbar.ProgressBar
	every int
}

func (a *app) newTrainProgress(label string) *trainProgress {
	return &trainProgress{a: a, label: label}
}

// observe is the local.Observer.
func (p *trainProgress) observe(pr local.Progress) {
	if p.a.quiet {
		return
	}
	if p.bar == nil && p.every == 0 {
		if f, ok := p.a.stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
			p.bar = progressbar.NewOptions(pr.TotalSteps, progressbar.OptionSetWriter(p.a.stderr),
				progressbar.OptionShowCount(), progressbar.OptionClearOnFinish(), progressbar.OptionSetWidth(25))
		} else {
			p.every = max(1, pr.TotalSteps/20)
		}
	}
	desc := fmt.Sprintf("%s loss %.3f acc %.2f", p.label, pr.TrainLoss, pr.TrainMeanTokenAccuracy)
	if !math.IsNaN(pr.ValidLoss) {
		desc += fmt.Sprintf(" val %.3f", pr.ValidLoss)
	}
	desc += fmt.Sprintf(" %.0f tok/s", pr.TokensPerSecond)
	if p.bar != nil {
		p.bar.Describe(desc)
		p.bar.Set(pr.Step)
		return
	}
	if pr.Step == 1 || pr.Step%p.every == 0 || pr.Step == pr.TotalSteps || !math.IsNaN(pr.ValidLoss) {
		fmt.Fprintf(p.a.stderr, "step %d/%d %s lr %.2g\n", pr.Step, pr.TotalSteps, desc, pr.LearningRate)
	}
}

func (p *trainProgress) finish() {
	if p.bar != nil {
		p.bar.Finish()
	}
}
