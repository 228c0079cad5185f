package cli

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/sqlforge/sqlforge/internal/train/pretrain"
)

func (a *app) newPretrainCmd() *cobra.Command {
	opts := pretrain.DefaultOptions("")
	c := &cobra.Command{
		Use:   "pretrain --out DIR",
		Short: "Pretrain the embedded base model (sqlforge-tiny) from scratch on non-Northwind SQL data",
		Long: `pretrain builds a corpus that is not Northwind (sql-create-context's training rows and pairs
generated from the Chinook ontology on the Chinook database), trains a byte-level BPE tokenizer on it,
creates a small Llama and trains every weight with the local training loop. It writes config.json,
model.safetensors, tokenizer.json, tokenizer_config.json and MODEL_CARD.md to --out, and the loop's
results.csv, loss.svg and checkpoints to --run-dir (default OUT.run). Run it from the repository root.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.Out == "" {
				return userErr(fmt.Errorf("--out is required"))
			}
			if opts.Steps < 1 || opts.Vocab < 300 {
				return userErr(fmt.Errorf("--steps must be positive and --vocab at least 300"))
			}
			p := a.newTrainProgress("pretrain")
			s, err := pretrain.Run(cmd.Context(), opts, p.observe)
			p.finish()
			if err != nil {
				return err
			}
			if a.jsonOut {
				enc := json.NewEncoder(a.stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(s)
			}
			fmt.Fprintf(a.stdout, "pretrained %d parameters for %d steps (%d tokens, %.0f tokens/s) in %.1f min\n",
				s.Params, s.Steps, s.Tokens, s.TokensPerSecond, s.Seconds/60)
			fmt.Fprintf(a.stdout, "train loss %.3f -> %.3f, best validation loss %.3f\nwrote %s\n",
				s.FirstLoss, s.FinalLoss, s.BestValidLoss, s.Out)
			return nil
		},
	}
	f := c.Flags()
	f.StringVar(&opts.Out, "out", "", "model directory to write (required), e.g. models/sqlforge-tiny")
	f.StringVar(&opts.RunDir, "run-dir", "", "training run directory (default OUT.run)")
	f.IntVar(&opts.Steps, "steps", opts.Steps, "optimizer steps")
	f.BoolVar(&opts.Resume, "resume", false, "continue the killed run in --run-dir from its last checkpoint (same flags)")
	f.Uint64Var(&opts.Seed, "seed", opts.Seed, "seed of the corpus shuffle, initialisation and batches")
	f.IntVar(&opts.Vocab, "vocab", opts.Vocab, "tokenizer vocabulary size")
	f.StringVar(&opts.Corpus.SQLCreateContext, "sql-create-context", opts.Corpus.SQLCreateContext, "sql-create-context JSONL file (\"\" to skip)")
	f.IntVar(&opts.Corpus.Chinook, "chinook", opts.Corpus.Chinook, "pairs to generate from the Chinook ontology")
	f.BoolVar(&opts.Corpus.Evidence, "evidence", opts.Corpus.Evidence, "give the Chinook pairs evidence: the definitions of the concepts their questions mention")
	f.Float64Var(&opts.Train.LearningRate, "lr", opts.Train.LearningRate, "peak learning rate")
	return c
}
