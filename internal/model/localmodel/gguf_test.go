package localmodel_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sqlforge/sqlforge/internal/lm"
	"github.com/sqlforge/sqlforge/internal/lm/gguf"
	"github.com/sqlforge/sqlforge/internal/lm/peft"
	"github.com/sqlforge/sqlforge/internal/lm/tokenizer"
	"github.com/sqlforge/sqlforge/internal/model"
	"github.com/sqlforge/sqlforge/internal/model/localmodel"
	"github.com/sqlforge/sqlforge/internal/train/local"
)

// TestExportGGUFWithAdapter exports a base with a non-zero adapter merged
// and serves the GGUF file: the answer is the adapted model's.
func TestExportGGUFWithAdapter(t *testing.T) {
	dir, m := writeTinyModel(t, 11)
	if err := m.AddLoRA(lm.LoRAConfig{R: 2, Alpha: 4, TargetModules: []string{"q_proj", "v_proj"}}, 1); err != nil {
		t.Fatal(err)
	}
	for _, p := range m.LoRAParams() {
		for i := range p.W {
			p.W[i] = 0.05 * float32(i%7-3)
		}
	}
	adapter := filepath.Join(t.TempDir(), "adapter")
	if err := peft.Save(adapter, m, dir); err != nil {
		t.Fatal(err)
	}
	req := model.Request{Question: "How many albums are there?", MaxTokens: 12}
	want := ask(t, openRef(t, "local:"+dir+"+"+adapter), req)

	adapted, err := localmodel.Load(dir, adapter, nil)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "not", "yet", "tuned.gguf") // export makes the directory
	mf, err := localmodel.ExportGGUF(adapted, localmodel.GGUFExport{Out: out, Type: gguf.F32, Name: "tuned"})
	if err != nil {
		t.Fatal(err)
	}
	if data, err := os.ReadFile(mf); err != nil || !strings.Contains(string(data), "FROM ./tuned.gguf") {
		t.Errorf("Modelfile %s: %v\n%s", mf, err, data)
	}
	if got := ask(t, openRef(t, "local:"+out), req); got.Text != want.Text {
		t.Errorf("GGUF answers %q, the adapted model %q", got.Text, want.Text)
	}

	// The GGUF file's tokenizer makes a model directory complete.
	full := t.TempDir()
	if err := local.CopyTokenizer(full, out); err != nil {
		t.Fatal(err)
	}
	tok, err := tokenizer.Load(filepath.Join(full, localmodel.TokenizerFile))
	if err != nil {
		t.Fatal(err)
	}
	if s := "SELECT COUNT(*) FROM Album"; !slices.Equal(tok.Encode(s), adapted.Tokenizer.Encode(s)) {
		t.Errorf("tokenizer written from the GGUF file encodes %q differently", s)
	}
}
