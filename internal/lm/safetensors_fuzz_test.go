package lm

import (
	"encoding/binary"
	"testing"
)

// FuzzParseSafetensors feeds arbitrary bytes to the safetensors header
// parser (model and adapter files come from users): it must return an error
// or tensors whose data decodes to exactly their shape's size, never panic.
func FuzzParseSafetensors(f *testing.F) {
	header := []byte(`{"a":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},"__metadata__":{"format":"pt"}}`)
	seed := binary.LittleEndian.AppendUint64(nil, uint64(len(header)))
	seed = append(append(seed, header...), make([]byte, 16)...)
	f.Add(seed)
	f.Add([]byte{1, 2, 3})
	bad := []byte(`{"a":{"dtype":"BF16","shape":[-2,-4],"data_offsets":[0,16]}}`)
	f.Add(append(append(binary.LittleEndian.AppendUint64(nil, uint64(len(bad))), bad...), make([]byte, 16)...))
	f.Fuzz(func(t *testing.T, buf []byte) {
		sf, err := parseSafetensors("fuzz", buf)
		if err != nil {
			return
		}
		for name, ti := range sf.tensors {
			data, err := sf.float32s(name, ti.Shape)
			if err != nil {
				t.Fatalf("%q: %v", name, err)
			}
			if len(data) != shapeSize(ti.Shape) {
				t.Fatalf("%q: %d values for shape %v", name, len(data), ti.Shape)
			}
		}
	})
}

// FuzzParseConfig feeds arbitrary JSON to the config.json parser: an error
// or a valid config, never a panic; small valid configs build a model.
func FuzzParseConfig(f *testing.F) {
	f.Add([]byte(`{"model_type":"llama","hidden_size":16,"intermediate_size":24,"num_hidden_layers":1,"num_attention_heads":2,"vocab_size":32}`))
	f.Add([]byte(`{"hidden_size":64,"intermediate_size":128,"num_hidden_layers":2,"num_attention_heads":8,"vocab_size":100,"rope_scaling":{"rope_type":"llama3","factor":8,"low_freq_factor":1,"high_freq_factor":4,"original_max_position_embeddings":8192}}`))
	f.Add([]byte(`{"rope_scaling":[1]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseConfig(data)
		if err != nil {
			return
		}
		if int64(c.HiddenSize)*int64(c.VocabSize) > 1<<16 || int64(c.HiddenSize)*int64(c.IntermediateSize)*int64(c.NumHiddenLayers) > 1<<16 ||
			c.NumHiddenLayers > 8 || c.NumAttentionHeads*c.HeadDim > 1<<12 {
			return // valid but too big to build in a fuzz iteration
		}
		if _, err := NewModel(c); err != nil {
			t.Fatalf("valid config %s: NewModel: %v", data, err)
		}
	})
}
