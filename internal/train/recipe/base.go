package recipe

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/sqlforge/sqlforge/internal/dataset"
	"github.com/sqlforge/sqlforge/internal/prompt"
)

// BaseConfig is what a recipe reads from the base model's Hugging Face config.json.
type BaseConfig struct {
	// Path is the config.json read.
	Path          string   `json:"-"`
	ModelType     string   `json:"model_type"`
	Architectures []string `json:"architectures"`
	HiddenSize    int      `json:"hidden_size"`
	Layers        int      `json:"num_hidden_layers"`
}

// readBaseConfig reads o.BaseConfig, or Base/config.json when Base is a local directory; nil
// when the base is a hub id with no local config (the checks that need it are skipped).
func readBaseConfig(o Options) (*BaseConfig, error) {
	path, flag := o.BaseConfig, "--base-config"
	if path == "" {
		path, flag = filepath.Join(o.Base, "config.json"), "--base"
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) && o.BaseConfig == "" {
		return nil, nil
	}
	if err != nil {
		return nil, &FieldError{Flag: flag, Msg: err.Error()}
	}
	var c BaseConfig
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, &FieldError{Flag: flag, Field: "config.json", Msg: fmt.Sprintf("%s: %v", path, err)}
	}
	c.Path = path
	return &c, nil
}

// checkBase refuses what the base cannot do: a rank above its hidden size, or an architecture
// neither engine trains (both load the base with transformers' AutoModelForCausalLM).
func checkBase(o Options, c *BaseConfig) error {
	if c == nil {
		return nil
	}
	if c.HiddenSize > 0 && !o.Full && o.LoRAR > c.HiddenSize {
		return &FieldError{Flag: "--lora-r", Field: "lora_r", Msg: fmt.Sprintf("rank %d is above the base's hidden size %d (%s): a rank-r update of a %d-wide layer needs r <= %d",
			o.LoRAR, c.HiddenSize, c.Path, c.HiddenSize, c.HiddenSize)}
	}
	causal := false
	for _, a := range c.Architectures {
		causal = causal || strings.HasSuffix(a, "ForCausalLM")
	}
	if len(c.Architectures) > 0 && !causal {
		src := "axolotl src/axolotl/loaders/model.py (auto_model_loader defaults to AutoModelForCausalLM)"
		if o.Engine == TRL {
			src = "trl trl/trainer/sft_trainer.py (a model name is loaded with AutoModelForCausalLM)"
		}
		return &FieldError{Flag: "--base", Field: "config.json architectures", Msg: fmt.Sprintf("%s is not a causal language model (%s); %s fine-tunes *ForCausalLM text models",
			strings.Join(c.Architectures, ", "), c.Path, o.Engine), Source: src}
	}
	if o.Engine == Axolotl && o.FSDP && (strings.Contains(strings.ToLower(o.Base), "falcon") || c.ModelType == "falcon") {
		return falconFSDP()
	}
	return nil
}

func falconFSDP() error {
	return &FieldError{Flag: "--fsdp", Field: "fsdp_config", Msg: "FSDP is not supported for falcon models (use --deepspeed)",
		Source: "axolotl src/axolotl/utils/schemas/validation.py check_falcon_fsdp"}
}

// messages is a record's conversation: exactly what sqlforge's own trainer learns from and
// what its fine-tuned models are asked (internal/model/localmodel TrainingMessages): the system
// message with the record's schema context (none for generated records: the model learns the
// database), the question with any evidence, and the SQL.
func messages(r *dataset.Record) []dataset.ChatMessage {
	var out []dataset.ChatMessage
	for _, m := range prompt.Messages(prompt.Input{Question: r.Question, Evidence: r.Evidence, Schema: r.Context}) {
		out = append(out, dataset.ChatMessage{Role: string(m.Role), Content: m.Content})
	}
	return append(out, dataset.ChatMessage{Role: "assistant", Content: prompt.Assistant(prompt.Example{Question: r.Question, SQL: r.SQL}, false)})
}

// trlExample is TRL's conversational prompt-completion type: the loss is on the completion
// only (SFTConfig.completion_only_loss defaults to true for prompt-completion data).
type trlExample struct {
	Prompt     []dataset.ChatMessage `json:"prompt"`
	Completion []dataset.ChatMessage `json:"completion"`
}

// exportData renders records in the engine's chat format, one JSON object per line:
// axolotl {"messages": [...]} (type chat_template, field_messages: messages), TRL
// {"prompt": [...], "completion": [...]}.
func exportData(e Engine, recs []dataset.Record) ([]byte, error) {
	var b strings.Builder
	for i := range recs {
		msgs := messages(&recs[i])
		var v any = dataset.OpenAIChat{Messages: msgs}
		if e == TRL {
			v = trlExample{Prompt: msgs[:len(msgs)-1], Completion: msgs[len(msgs)-1:]}
		}
		line, err := json.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("export record %d: %w", i+1, err)
		}
		b.Write(line)
		b.WriteByte('\n')
	}
	return []byte(b.String()), nil
}
