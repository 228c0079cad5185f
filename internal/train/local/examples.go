package local

import (
	"fmt"

	"github.com/sqlforge/sqlforge/internal/dataset"
	"github.com/sqlforge/sqlforge/internal/lm/tokenizer"
	"github.com/sqlforge/sqlforge/internal/model/localmodel"
)

// RecordExample tokenizes a record for supervised fine-tuning: its training messages
// (localmodel.TrainingMessages, the prompt the model is asked with at inference) rendered with
// tmpl, the loss on the answer tokens only.
func RecordExample(tok *tokenizer.Tokenizer, tmpl tokenizer.ChatTemplate, r dataset.Record) (Example, error) {
	p, err := localmodel.Render(tmpl, localmodel.TrainingMessages(r))
	if err != nil {
		return Example{}, err
	}
	ids, mask := tok.EncodePrompt(p)
	return Example{IDs: ids, Mask: mask}, nil
}

// RecordExamples tokenizes records, dropping those longer than maxLen tokens (0: keep all);
// it returns how many were dropped.
func RecordExamples(tok *tokenizer.Tokenizer, tmpl tokenizer.ChatTemplate, recs []dataset.Record, maxLen int) ([]Example, int, error) {
	out := make([]Example, 0, len(recs))
	dropped := 0
	for i := range recs {
		ex, err := RecordExample(tok, tmpl, recs[i])
		if err != nil {
			return nil, 0, fmt.Errorf("record %d (%s): %w", i+1, recs[i].ID, err)
		}
		if maxLen > 0 && len(ex.IDs) > maxLen {
			dropped++
			continue
		}
		out = append(out, ex)
	}
	return out, dropped, nil
}
