package llm

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/sqlforge/sqlforge/internal/datagen"
	"github.com/sqlforge/sqlforge/internal/dataset"
	"github.com/sqlforge/sqlforge/internal/ontology"
	"github.com/sqlforge/sqlforge/internal/schema"
)

// Stage is Run as the LLM stage of datagen.Build: it opens the response cache, runs the pipeline
// with the generated records as few-shot examples, and keeps the Result for the caller's summary.
type Stage struct {
	// Options are the models, sizes and limits; Pairs sets Store, Examples, Reasoning and DB.
	Options Options
	// Cache is the response cache and work journal directory.
	Cache string
	// Result is the finished run, set by Pairs.
	Result *Result
}

// Pairs runs the pipeline and returns the kept pairs as records. It fails when every request
// to the model failed and nothing came from the cache: there would be nothing to write.
func (s *Stage) Pairs(ctx context.Context, db *sql.DB, dbName string, ont *ontology.Ontology, sch *schema.Schema,
	examples []dataset.Record, reasoning bool) ([]dataset.Record, error) {
	store, err := OpenStore(s.Cache)
	if err != nil {
		return nil, err
	}
	defer store.Close()
	o := s.Options
	o.Store, o.Examples, o.Reasoning, o.DB = store, examples, reasoning, dbName
	res, err := Run(ctx, db, ont, sch, o)
	if err != nil {
		return nil, err
	}
	if r := res.Run; r.Failed > 0 && r.Sent.Requests == 0 && r.CacheHits == 0 {
		return nil, fmt.Errorf("gen --llm: all %d requests to the model failed, nothing was written:%s", r.Failed, FailureLines(r.Failures, 3))
	}
	s.Result = res
	return res.Records(), nil
}

// Version is the pipeline's version, appended to the manifest's generator.
func (s *Stage) Version() string { return Version }

// Report is the run's report, written into the manifest under "llm".
func (s *Stage) Report() any { return &s.Result.Report }

// WriteFiles writes llm_pairs.jsonl (kept pairs with their scores) and rejected.jsonl
// (rejected pairs with their reasons) and adds them to the manifest's files.
func (s *Stage) WriteFiles(dir string, m *dataset.Manifest) error {
	res := s.Result
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	files := map[string]func(enc *json.Encoder) error{
		"llm_pairs.jsonl": func(enc *json.Encoder) error { return encodeAll(enc, res.Pairs) },
		"rejected.jsonl":  func(enc *json.Encoder) error { return encodeAll(enc, res.Rejected) },
	}
	for name, write := range files {
		sum, err := dataset.WriteFileAtomic(filepath.Join(dir, name), func(w io.Writer) error {
			enc := json.NewEncoder(w)
			enc.SetEscapeHTML(false)
			return write(enc)
		})
		if err != nil {
			return err
		}
		m.Files[name] = sum
	}
	return nil
}

// encodeAll encodes each element of vs, one JSON line each.
func encodeAll[T any](enc *json.Encoder, vs []T) error {
	for i := range vs {
		if err := enc.Encode(&vs[i]); err != nil {
			return err
		}
	}
	return nil
}

// FailureLines formats the first n failure reasons, one "\n  COUNT× REASON" line each, and
// how many other reasons there were.
func FailureLines(fs []Failure, n int) string {
	var b strings.Builder
	for i, f := range fs {
		if i == n {
			fmt.Fprintf(&b, "\n  (%d more reasons)", len(fs)-n)
			break
		}
		fmt.Fprintf(&b, "\n  %d× %s", f.Count, f.Reason)
	}
	return b.String()
}

var _ datagen.LLMStage = (*Stage)(nil)
