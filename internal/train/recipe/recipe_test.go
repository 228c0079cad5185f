package recipe

import (
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden recipe folders under testdata/golden")

// goldenCases are the engine × option sets whose whole recipe folder is kept under testdata.
var goldenCases = []struct {
	name string
	o    Options
}{
	{"axolotl-qlora-8gpu-zero2", Options{Engine: Axolotl, Base: "Qwen/Qwen2.5-Coder-1.5B", QLoRA: true, GPUs: 8, DeepSpeed: "zero2"}},
	{"axolotl-lora-2x8gpu-fsdp", Options{Engine: Axolotl, Base: "meta-llama/Llama-3.1-70B", GPUs: 8, Nodes: 2, FSDP: true, Targets: []string{"q_proj", "v_proj"}}},
	{"trl-qlora-8gpu-zero2", Options{Engine: TRL, Base: "Qwen/Qwen2.5-Coder-1.5B", QLoRA: true, GPUs: 8, DeepSpeed: "zero2"}},
	{"trl-full-4gpu-zero3", Options{Engine: TRL, Base: "Qwen/Qwen2.5-Coder-7B", Full: true, GPUs: 4, DeepSpeed: "zero3"}},
	{"trl-lora-1gpu", Options{Engine: TRL, Base: "Qwen/Qwen2.5-Coder-1.5B"}},
}

func TestGoldenRecipes(t *testing.T) {
	for _, tc := range goldenCases {
		t.Run(tc.name, func(t *testing.T) {
			o := tc.o
			o.Data, o.Out = "testdata/records.jsonl", t.TempDir()
			res, err := Write(context.Background(), o)
			if err != nil {
				t.Fatal(err)
			}
			if res.Train+res.Val != 15 || res.Val == 0 {
				t.Errorf("train %d val %d, want 15 records with a validation split", res.Train, res.Val)
			}
			golden := filepath.Join("testdata", "golden", tc.name)
			if *update {
				if err := os.RemoveAll(golden); err != nil {
					t.Fatal(err)
				}
			}
			for _, name := range res.Files {
				got, err := os.ReadFile(filepath.Join(o.Out, name))
				if err != nil {
					t.Fatal(err)
				}
				path := filepath.Join(golden, name)
				if *update {
					if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(path, got, 0o644); err != nil {
						t.Fatal(err)
					}
					continue
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run go test -update)", err)
				}
				if d := cmp.Diff(string(got), string(want)); d != "" {
					t.Errorf("%s differs (-got +want):\n%s", name, d)
				}
			}
			// no file is left out of the golden folder, none is extra
			var want []string
			filepath.WalkDir(golden, func(p string, d os.DirEntry, err error) error {
				if err == nil && !d.IsDir() {
					rel, _ := filepath.Rel(golden, p)
					want = append(want, filepath.ToSlash(rel))
				}
				return nil
			})
			if d := cmp.Diff(res.Files, want); d != "" && !*update {
				t.Errorf("files (-got +want):\n%s", d)
			}
		})
	}
}

// TestDoneWhen checks the fields the issue names in the QLoRA/8-GPU/ZeRO-2 axolotl recipe.
func TestDoneWhen(t *testing.T) {
	out := t.TempDir()
	_, err := Write(context.Background(), Options{Engine: Axolotl, Base: "Qwen/Qwen2.5-Coder-1.5B", Data: "testdata/records.jsonl", Out: out, QLoRA: true, GPUs: 8, DeepSpeed: "zero2"})
	if err != nil {
		t.Fatal(err)
	}
	y, _ := os.ReadFile(filepath.Join(out, "axolotl.yaml"))
	for _, want := range []string{"base_model: Qwen/Qwen2.5-Coder-1.5B", "adapter: qlora", "load_in_4bit: true", "lora_r: 16", "lora_alpha: 32",
		"lora_target_linear: true", "type: chat_template", "field_messages: messages", "sequence_len: 2048", "micro_batch_size: 4",
		"gradient_accumulation_steps: 1", "num_epochs: 3", "learning_rate: 0.0002", "output_dir: out", "deepspeed: deepspeed.json"} {
		if !strings.Contains(string(y), want+"\n") {
			t.Errorf("axolotl.yaml lacks %q:\n%s", want, y)
		}
	}
	for _, f := range []string{"launch.sh", "data/train.jsonl", "data/val.jsonl", "deepspeed.json", "slurm.sbatch", "requirements.txt", "README.md"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Error(err)
		}
	}
	if err := Validate(Axolotl, y); err != nil {
		t.Error(err)
	}
}

func TestImpossible(t *testing.T) {
	base := func(e Engine) Options {
		return Options{Engine: e, Base: "Qwen/Qwen2.5-Coder-1.5B", Data: "testdata/records.jsonl"}
	}
	cases := []struct {
		name      string
		edit      func(o *Options)
		wantField string // in the message: the flag or field named
	}{
		{"deepspeed and fsdp", func(o *Options) { o.DeepSpeed, o.FSDP = "zero2", true }, "fsdp"},
		{"4-bit full", func(o *Options) { o.QLoRA, o.Full = true, true }, "load_in_4bit"},
		{"nodes without gpus", func(o *Options) { o.Nodes = 2 }, "--gpus"},
		{"rank above hidden size", func(o *Options) { o.BaseConfig, o.LoRAR = "testdata/small/config.json", 128 }, "lora_r"},
		{"not causal", func(o *Options) { o.Base = "testdata/bert" }, "architectures"},
		{"bad deepspeed", func(o *Options) { o.DeepSpeed = "zero4" }, "--deepspeed"},
		{"no data", func(o *Options) { o.Data = "testdata/missing.jsonl" }, "--data"},
	}
	for _, e := range Engines() {
		for _, tc := range cases {
			t.Run(string(e)+"/"+tc.name, func(t *testing.T) {
				o := base(e)
				o.Out = t.TempDir()
				tc.edit(&o)
				_, err := Write(context.Background(), o)
				var fe *FieldError
				if !errors.As(err, &fe) {
					t.Fatalf("got %v, want a FieldError", err)
				}
				if !strings.Contains(err.Error(), tc.wantField) {
					t.Errorf("got %q, want it to name %s", err, tc.wantField)
				}
				if entries, _ := os.ReadDir(o.Out); len(entries) > 0 {
					t.Errorf("files written despite the error: %v", entries)
				}
			})
		}
	}
	o := base(Axolotl)
	o.Base, o.FSDP, o.Out = "tiiuae/falcon-7b", true, t.TempDir()
	if _, err := Write(context.Background(), o); err == nil || !strings.Contains(err.Error(), "falcon") {
		t.Errorf("falcon with FSDP: got %v", err)
	}
}

// TestValidateRules feeds each engine's checks configurations that break them.
func TestValidateRules(t *testing.T) {
	cases := []struct {
		e         Engine
		yaml      string
		wantField string
		wantSrc   string
	}{
		{Axolotl, "base_model: x\nmicro_batch_size: 1\ngradient_accumulation_steps: 1\nsequence_len: 8\n", "datasets", "check_dataset_or_pretraining_dataset"},
		{Axolotl, "base_model: x\ndatasets: [{path: a}]\nmicro_batch_size: 1\nsequence_len: 8\n", "micro_batch_size", "check_batch_size_fields"},
		{Axolotl, "base_model: x\ndatasets: [{path: a}]\nmicro_batch_size: 1\ngradient_accumulation_steps: 1\nbatch_size: 4\nsequence_len: 8\n", "batch_size", "check_gas_bsz"},
		{Axolotl, "base_model: x\ndatasets: [{path: a}]\nmicro_batch_size: 1\ngradient_accumulation_steps: 1\nload_in_4bit: true\nsequence_len: 8\n", "load_in_4bit", "validate_adapter"},
		{Axolotl, "base_model: x\ndatasets: [{path: a}]\nmicro_batch_size: 1\ngradient_accumulation_steps: 1\nadapter: qlora\nlora_r: 8\nsequence_len: 8\n", "load_in_4bit", "validate_qlora"},
		{Axolotl, "base_model: x\ndatasets: [{path: a}]\nmicro_batch_size: 1\ngradient_accumulation_steps: 1\nadapter: dora\nsequence_len: 8\n", "adapter", "validate_adapter"},
		{Axolotl, "base_model: x\ndatasets: [{path: a}]\nmicro_batch_size: 1\ngradient_accumulation_steps: 1\ndeepspeed: ds.json\nfsdp_config: {offload_params: false}\nsequence_len: 8\n", "fsdp", "check_fsdp_deepspeed"},
		{Axolotl, "base_model: x\ndatasets: [{path: a, type: chat_template}]\nmicro_batch_size: 1\ngradient_accumulation_steps: 1\nsequence_len: 8\n", "field_messages", "datasets.py"},
		{TRL, "model_name_or_path: x\n", "dataset_name", "sft.py"},
		{TRL, "model_name_or_path: x\ndataset_name: d\nload_in_4bit: true\n", "use_peft", "trainer.py"},
		{TRL, "model_name_or_path: x\ndataset_name: d\nload_in_4bit: true\nload_in_8bit: true\nuse_peft: true\nlora_r: 8\n", "load_in_8bit", "model_config.py"},
	}
	for _, tc := range cases {
		err := Validate(tc.e, []byte(tc.yaml))
		if err == nil || !strings.Contains(err.Error(), tc.wantField) || !strings.Contains(err.Error(), tc.wantSrc) {
			t.Errorf("%s %q: got %v, want a rule on %s from %s", tc.e, tc.yaml, err, tc.wantField, tc.wantSrc)
		}
	}
}

func TestServeCommand(t *testing.T) {
	o := Defaults(Options{Engine: TRL, Base: "Qwen/Qwen2.5-Coder-1.5B"})
	got := ServeCommand(o, "R/out")
	want := "vllm serve Qwen/Qwen2.5-Coder-1.5B --enable-lora --lora-modules sqlforge=R/out --max-lora-rank 16"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got := Reference("gpu1", "sqlforge"); got != "http://gpu1:8000/v1#sqlforge" {
		t.Errorf("reference %q", got)
	}
	if MaxLoRARank(40) != 64 || MaxLoRARank(8) != 16 {
		t.Error("MaxLoRARank")
	}
}
