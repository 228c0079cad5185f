package pretrain

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"

	"github.com/sqlforge/sqlforge/internal/dataset"
	"github.com/sqlforge/sqlforge/internal/lm"
	"github.com/sqlforge/sqlforge/internal/lm/tokenizer"
	"github.com/sqlforge/sqlforge/internal/model/localmodel"
)

// Shape is the architecture of the model to pretrain.
type Shape struct {
	Hidden, Layers, Heads, KVHeads, Intermediate, Context int
}

// TinyShape is sqlforge-tiny's architecture (about 3.9M parameters with a
// 4,096-token vocabulary and tied embeddings).
var TinyShape = Shape{Hidden: 256, Layers: 4, Heads: 4, KVHeads: 2, Intermediate: 688, Context: 512}

// ModelConfig is the Llama configuration of shape over a vocabulary of vocab ids.
func ModelConfig(s Shape, vocab int) lm.Config {
	return lm.Config{
		ModelType: "llama", HiddenSize: s.Hidden, IntermediateSize: s.Intermediate,
		NumHiddenLayers: s.Layers, NumAttentionHeads: s.Heads, NumKeyValueHeads: s.KVHeads, HeadDim: s.Hidden / s.Heads,
		VocabSize: vocab, RMSNormEps: 1e-5, RopeTheta: 10000, MaxPositionEmbeddings: s.Context,
		TieWordEmbeddings: true, HiddenAct: "silu", TorchDtype: "float32",
	}
}

// TrainTokenizer learns a byte-level BPE of vocab ids on the rendered
// training text of recs (prompt and answer, in the sqlforge chat format), so
// the template's words and the corpus's SQL get their own tokens.
func TrainTokenizer(recs []dataset.Record, vocab int) (*tokenizer.Tokenizer, error) {
	tmpl, err := tokenizer.TemplateFor(tokenizer.Sqlforge)
	if err != nil {
		return nil, err
	}
	var rerr error
	texts := func(yield func(string) bool) {
		for i := range recs {
			p, err := localmodel.Render(tmpl, localmodel.TrainingMessages(recs[i]))
			if err != nil {
				rerr = err
				return
			}
			if !yield(p.Text) {
				return
			}
		}
	}
	tok, err := tokenizer.Train(texts, vocab, tokenizer.DefaultSpecialTokens)
	if rerr != nil {
		return nil, fmt.Errorf("train tokenizer: %w", rerr)
	}
	if err != nil {
		return nil, fmt.Errorf("train tokenizer: %w", err)
	}
	return tok, nil
}

// tokenizerConfig is the tokenizer_config.json of the embedded model: the
// sqlforge chat template (as Jinja, for Hugging Face) and its special tokens.
type tokenizerConfig struct {
	ChatTemplate   string `json:"chat_template"`
	BOSToken       string `json:"bos_token"`
	EOSToken       string `json:"eos_token"`
	PadToken       string `json:"pad_token"`
	ModelMaxLength int    `json:"model_max_length"`
	TokenizerClass string `json:"tokenizer_class"`
}

// WriteTokenizer writes tokenizer.json and tokenizer_config.json into dir.
func WriteTokenizer(dir string, tok *tokenizer.Tokenizer, context int) error {
	if err := tok.Save(filepath.Join(dir, localmodel.TokenizerFile)); err != nil {
		return fmt.Errorf("write tokenizer: %w", err)
	}
	cfg := tokenizerConfig{ChatTemplate: tokenizer.SqlforgeJinja, BOSToken: "<|bos|>", EOSToken: "<|im_end|>",
		PadToken: "<|pad|>", ModelMaxLength: context, TokenizerClass: "PreTrainedTokenizerFast"}
	b, err := json.MarshalIndent(cfg, "", "  ")
	if err != nil {
		return err
	}
	_, err = dataset.WriteFileAtomic(filepath.Join(dir, localmodel.TokenizerConfigFile), func(w io.Writer) error {
		_, err := w.Write(append(b, '\n'))
		return err
	})
	if err != nil {
		return fmt.Errorf("write tokenizer config: %w", err)
	}
	return nil
}
