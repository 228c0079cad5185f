package cli

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sqlforge/sqlforge/internal/lm/gguf"
	"github.com/sqlforge/sqlforge/internal/model/localmodel"
	"github.com/sqlforge/sqlforge/models"
)

func (a *app) newExportCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "export", Short: "Write a local model in another runtime's format"}
	cmd.AddCommand(a.newExportGGUFCmd())
	return cmd
}

func (a *app) newExportGGUFCmd() *cobra.Command {
	var model, adapter, out, typ, name, modelfile string
	c := &cobra.Command{
		Use:   "gguf --model DIR [--adapter DIR] --out FILE.gguf [--type f16|q8_0]",
		Short: "Write a model (its adapter merged) as GGUF with its tokenizer, plus an Ollama Modelfile",
		Long: `export gguf loads a local model (a directory, a GGUF file or the embedded sqlforge-tiny), folds
the PEFT adapter into it when --adapter is given, and writes one GGUF file that llama.cpp and
Ollama load: the weights (matrices in F16 or Q8_0, norms in F32), the tokenizer and the chat
template. Beside it goes an Ollama Modelfile (--modelfile, default OUT's directory/Modelfile)
with the chat format, stop tokens and greedy decoding:

  sqlforge export gguf --model sqlforge-tiny --adapter runs/x/adapter --out out/model.gguf
  ollama create text2sql -f out/Modelfile

sqlforge reads the file back as local:out/model.gguf.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" || !gguf.IsGGUF(out) {
				return userErr(fmt.Errorf("--out must name a .gguf file"))
			}
			t, err := gguf.ParseType(typ)
			if err != nil || (t != gguf.F16 && t != gguf.Q8_0 && t != gguf.F32) {
				return userErr(fmt.Errorf("--type %q: want f16, q8_0 or f32", typ))
			}
			m, err := localmodel.Load(model, adapter, models.Resolve)
			if err != nil {
				return userErr(err)
			}
			if name == "" {
				name = strings.TrimSuffix(filepath.Base(out), filepath.Ext(out))
			}
			mf, err := localmodel.ExportGGUF(m, localmodel.GGUFExport{Out: out, Modelfile: modelfile, Type: t, Name: name})
			if err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "wrote %s (%s) and %s; serve it with: ollama create %s -f %s\n", out, t, mf, name, mf)
			return nil
		},
	}
	f := c.Flags()
	f.StringVar(&model, "model", models.Tiny, "model directory, GGUF file or embedded model name")
	f.StringVar(&adapter, "adapter", "", "PEFT adapter directory to merge first")
	f.StringVar(&out, "out", "", "GGUF file to write (required)")
	f.StringVar(&typ, "type", "f16", "matrix type: f16, q8_0 or f32")
	f.StringVar(&name, "name", "", "model name (general.name; default: OUT's base name)")
	f.StringVar(&modelfile, "modelfile", "", "Ollama Modelfile to write (default: Modelfile beside OUT)")
	return c
}
