package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/sqlforge/sqlforge/internal/lm/peft"
	"github.com/sqlforge/sqlforge/internal/model/localmodel"
	"github.com/sqlforge/sqlforge/internal/train/local"
	"github.com/sqlforge/sqlforge/models"
)

func (a *app) newMergeCmd() *cobra.Command {
	var base, adapter, out string
	c := &cobra.Command{
		Use:   "merge --base DIR --adapter DIR --out DIR",
		Short: "Fold a LoRA adapter into its base model and write full weights as safetensors",
		Long: `merge loads the base model (a directory or the embedded sqlforge-tiny), attaches the PEFT
adapter, folds W += (alpha/r)·B·A into every adapted projection and writes config.json and
model.safetensors to --out, with the base's tokenizer files, so --out is a complete model directory
(local:OUT) that needs no adapter.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if base == "" || adapter == "" || out == "" {
				return userErr(fmt.Errorf("--base, --adapter and --out are required"))
			}
			m, err := localmodel.Load(base, adapter, models.Resolve)
			if err != nil {
				return userErr(err)
			}
			if err := peft.SaveMerged(out, m.LM); err != nil {
				return fmt.Errorf("merge: %w", err)
			}
			if err := local.CopyTokenizer(out, m.Dir); err != nil {
				return fmt.Errorf("merge: %w", err)
			}
			fmt.Fprintf(a.stdout, "merged %s into %s: wrote %s (serve it as local:%s)\n", adapter, base, out, out)
			return nil
		},
	}
	f := c.Flags()
	f.StringVar(&base, "base", models.Tiny, "base model directory or embedded model name")
	f.StringVar(&adapter, "adapter", "", "PEFT adapter directory (required)")
	f.StringVar(&out, "out", "", "output model directory (required)")
	return c
}
