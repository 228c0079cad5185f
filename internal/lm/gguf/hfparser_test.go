package gguf

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/sqlforge/sqlforge/internal/lm/tokenizer"
)

// hfGGUFModule finds an installed @huggingface/gguf: $SQLFORGE_HF_GGUF, or
// where .ci/run installs it.
func hfGGUFModule() string {
	dirs := []string{os.Getenv("SQLFORGE_HF_GGUF")}
	if home, err := os.UserHomeDir(); err == nil {
		dirs = append(dirs, filepath.Join(home, ".cache", "sqlforge-npm", "node_modules", "@huggingface", "gguf"))
	}
	for _, d := range dirs {
		if d == "" {
			continue
		}
		if _, err := os.Stat(filepath.Join(d, "package.json")); err == nil {
			return d
		}
	}
	return ""
}

// TestHuggingFaceParserReadsExport reads exported files with
// @huggingface/gguf, an independent parser (npm; .ci/run installs it where
// npm is available), and compares every metadata key's type and value and
// every tensor's name, shape, type and offset with what was written.
func TestHuggingFaceParserReadsExport(t *testing.T) {
	mod := hfGGUFModule()
	node, err := exec.LookPath("node")
	if mod == "" || err != nil {
		t.Skip("skipping: needs node and @huggingface/gguf (npm install --prefix ~/.cache/sqlforge-npm @huggingface/gguf@0.4.6, or $SQLFORGE_HF_GGUF)")
	}
	tok := testTokenizer(t)
	tmpl, _ := tokenizer.TemplateFor(tokenizer.Sqlforge)
	for _, cfg := range testConfigs() {
		t.Run(cfg.ModelType, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "m.gguf")
			if err := Export(path, randomModel(t, cfg, 4), tok, ExportOptions{Type: Q8_0, Name: "x", Template: tmpl, ChatTemplate: "{{ x }}"}); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command(node, "testdata/gguf_view.js", mod, path).Output()
			if err != nil {
				t.Fatalf("gguf_view.js: %v", err)
			}
			var view struct {
				Meta map[string]struct {
					Type, SubType *int
					Value         json.RawMessage
				}
				Tensors []struct {
					Name          string
					Shape         []uint64
					Dtype, Offset uint64
				}
				DataOffset uint64
			}
			if err := json.Unmarshal(out, &view); err != nil {
				t.Fatal(err)
			}
			g, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer g.Close()
			for _, k := range g.Keys {
				compareMeta(t, k, g.Metadata[k], view.Meta[k].Type, view.Meta[k].SubType, view.Meta[k].Value)
			}
			if len(view.Tensors) != len(g.Tensors) || view.DataOffset != g.DataOffset {
				t.Fatalf("parser sees %d tensors from byte %d, we wrote %d from %d", len(view.Tensors), view.DataOffset, len(g.Tensors), g.DataOffset)
			}
			for i, vt := range view.Tensors {
				gt := g.Tensors[i]
				if vt.Name != gt.Name || fmt.Sprint(vt.Shape) != fmt.Sprint(gt.Dims) || vt.Dtype != uint64(gt.Type) || vt.Offset != gt.Offset {
					t.Errorf("tensor %d: parser sees %+v, we wrote %+v", i, vt, gt)
				}
			}
		})
	}
}

// compareMeta checks one metadata entry as the other parser saw it.
func compareMeta(t *testing.T, key string, v any, typ, sub *int, raw json.RawMessage) {
	t.Helper()
	if typ == nil {
		t.Errorf("%s: missing in the parser's view", key)
		return
	}
	want, err := typeOf(v)
	if err != nil {
		t.Fatal(err)
	}
	if ValueType(*typ) != want {
		t.Errorf("%s: parser sees type %d, we wrote %d", key, *typ, want)
	}
	arr, isArr := v.([]any)
	if !isArr {
		var got any
		json.Unmarshal(raw, &got)
		if fmt.Sprint(got) != fmt.Sprint(jsonish(v)) {
			t.Errorf("%s: parser reads %v, we wrote %v", key, got, v)
		}
		return
	}
	var got struct {
		Length int
		Head   []any
	}
	json.Unmarshal(raw, &got)
	if got.Length != len(arr) {
		t.Errorf("%s: parser reads %d elements, we wrote %d", key, got.Length, len(arr))
	}
	for i, h := range got.Head {
		if fmt.Sprint(h) != fmt.Sprint(jsonish(arr[i])) {
			t.Errorf("%s[%d]: parser reads %v, we wrote %v", key, i, h, arr[i])
		}
	}
}

// jsonish is v as it looks after a JSON round trip (numbers as float64).
func jsonish(v any) any {
	if f, ok := number(v); ok {
		return f
	}
	return v
}
