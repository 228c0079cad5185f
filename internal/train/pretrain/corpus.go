// Package pretrain builds sqlforge's embedded base model, sqlforge-tiny: a
// corpus of text-to-SQL pairs that is deliberately not Northwind (the
// sql-create-context training rows and pairs generated from the Chinook
// ontology on the Chinook database), a byte-level BPE vocabulary trained on
// that corpus, a small Llama configuration, and full training with the same
// loop that fine-tunes (internal/train/local). The output is a model
// directory in Hugging Face's layout plus a model card.
package pretrain

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/sqlforge/sqlforge/internal/database"
	"github.com/sqlforge/sqlforge/internal/datagen"
	"github.com/sqlforge/sqlforge/internal/dataset"
	"github.com/sqlforge/sqlforge/internal/ontology"
	"github.com/sqlforge/sqlforge/internal/prompt"
)

// DefaultSQLCreateContext is the sql-create-context training file, relative
// to the repository root.
const DefaultSQLCreateContext = "data/sql-create-context/sql-create-context-train.jsonl"

// CorpusOptions choose what goes into the pretraining corpus.
type CorpusOptions struct {
	// SQLCreateContext is a sql-create-context JSONL file ("" skips it).
	SQLCreateContext string
	// Chinook is the number of pairs to generate from the Chinook ontology
	// (0 skips them).
	Chinook int
	// Valid is the number of records held out for validation.
	Valid int
	// Seed drives generation and the shuffle.
	Seed uint64
	// Evidence attaches to the Chinook pairs the definitions of the
	// ontology concepts their questions mention (prompt.Evidence, as
	// `gen --evidence` does), so the model learns to use evidence.
	Evidence bool
}

// Corpus is the pretraining data.
type Corpus struct {
	Train, Valid []dataset.Record
	// SQLCreateContext and Chinook count the records from each source.
	SQLCreateContext, Chinook int
}

// BuildCorpus reads and generates the corpus, shuffles it from the seed and
// holds out the validation records.
func BuildCorpus(ctx context.Context, opts CorpusOptions) (Corpus, error) {
	var c Corpus
	var all []dataset.Record
	if opts.SQLCreateContext != "" {
		recs, _, err := dataset.ImportFile(ctx, "sql-create-context", opts.SQLCreateContext, dataset.ReadOptions{SkipBad: true})
		if err != nil {
			return c, fmt.Errorf("pretraining corpus: %w", err)
		}
		c.SQLCreateContext = len(recs)
		all = append(all, recs...)
	}
	if opts.Chinook > 0 {
		recs, err := chinookPairs(ctx, opts.Chinook, opts.Seed, opts.Evidence)
		if err != nil {
			return c, err
		}
		c.Chinook = len(recs)
		all = append(all, recs...)
	}
	if len(all) <= opts.Valid {
		return c, fmt.Errorf("pretraining corpus: %d records, need more than the %d held out", len(all), opts.Valid)
	}
	rng := rand.New(rand.NewPCG(opts.Seed, 0x5eed))
	rng.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
	c.Valid, c.Train = all[:opts.Valid], all[opts.Valid:]
	return c, nil
}

// chinookPairs generates n question/SQL pairs on the embedded Chinook
// database from its ontology.
func chinookPairs(ctx context.Context, n int, seed uint64, evidence bool) ([]dataset.Record, error) {
	db, err := database.Open(ctx, "chinook")
	if err != nil {
		return nil, fmt.Errorf("pretraining corpus: %w", err)
	}
	defer db.Close()
	ont, err := ontology.LoadRef("chinook")
	if err != nil {
		return nil, fmt.Errorf("pretraining corpus: %w", err)
	}
	recs, _, err := datagen.Generate(ctx, db.DB, ont, datagen.Options{Seed: seed, Size: n, DB: db.Name})
	if err != nil {
		return nil, fmt.Errorf("pretraining corpus: chinook pairs: %w", err)
	}
	if evidence {
		for i := range recs {
			recs[i].Evidence = prompt.Evidence(ont, recs[i].Question)
		}
	}
	return recs, nil
}
