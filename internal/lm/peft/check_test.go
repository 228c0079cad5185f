package peft

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sqlforge/sqlforge/internal/lm"
)

// writeBase writes m's config.json into a directory, as a base for Check.
func writeBase(t *testing.T, c lm.Config) string {
	t.Helper()
	dir := t.TempDir()
	data, _ := json.Marshal(c)
	if err := os.WriteFile(filepath.Join(dir, "config.json"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestCheckOwnAdapter(t *testing.T) {
	m := tinyModel(t, 1)
	adapted(t, m, "q_proj", "v_proj", "down_proj")
	dir := t.TempDir()
	if err := Save(dir, m, "sqlforge-tiny"); err != nil {
		t.Fatal(err)
	}
	rep, err := Check(dir, writeBase(t, m.Config))
	if err != nil {
		t.Fatal(err)
	}
	if rep.R != 4 || rep.Modules != 6 || rep.Layers != 2 || rep.DType != "F32" || rep.CheckedAgainst == "" {
		t.Errorf("report %+v, want r=4, 6 modules in 2 layers, F32, checked", rep)
	}
	if _, err := Check(dir, ""); err != nil {
		t.Errorf("without a base: %v", err)
	}

	// a base of another width: every shape is wrong
	other := m.Config
	other.HiddenSize, other.HeadDim, other.NumHiddenLayers = 32, 8, 1
	_, err = Check(dir, writeBase(t, other))
	if err == nil || !strings.Contains(err.Error(), "projection") || !strings.Contains(err.Error(), "layer 1, but the base has 1 layers") {
		t.Errorf("other base: got %v", err)
	}
}

func TestCheckRejects(t *testing.T) {
	m := tinyModel(t, 1)
	adapted(t, m, "q_proj", "v_proj")
	save := func(t *testing.T, edit func(c map[string]any), drop string) string {
		dir := t.TempDir()
		if err := Save(dir, m, "sqlforge-tiny"); err != nil {
			t.Fatal(err)
		}
		var c map[string]any
		data, _ := os.ReadFile(filepath.Join(dir, ConfigFile))
		json.Unmarshal(data, &c)
		if edit != nil {
			edit(c)
		}
		data, _ = json.Marshal(c)
		os.WriteFile(filepath.Join(dir, ConfigFile), data, 0o644)
		if drop != "" {
			ps, err := lm.ReadTensorFile(filepath.Join(dir, WeightsFile))
			if err != nil {
				t.Fatal(err)
			}
			var keep []*lm.Param
			for name, p := range ps {
				if name != drop {
					p.Name = name
					keep = append(keep, p)
				}
			}
			if err := lm.WriteTensorFile(filepath.Join(dir, WeightsFile), keep); err != nil {
				t.Fatal(err)
			}
		}
		return dir
	}
	cases := []struct {
		name string
		edit func(c map[string]any)
		drop string
		want string
	}{
		{"rank", func(c map[string]any) { c["r"] = 8 }, "", "rank r=8"},
		{"type", func(c map[string]any) { c["peft_type"] = "IA3" }, "", "peft_type"},
		{"targets", func(c map[string]any) { c["target_modules"] = []string{"q_proj"} }, "", "not among target_modules"},
		{"base", func(c map[string]any) { c["base_model_name_or_path"] = "" }, "", "base_model_name_or_path"},
		{"half pair", nil, "base_model.model.model.layers.1.self_attn.v_proj.lora_B.weight", "has only lora_A"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Check(save(t, tc.edit, tc.drop), "")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want %q", err, tc.want)
			}
		})
	}
}
