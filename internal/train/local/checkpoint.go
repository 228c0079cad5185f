package local

import (
	"bytes"
	"encoding/gob"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/sqlforge/sqlforge/internal/lm"
)

// CheckpointFile is the name of the resumable state in a run directory.
const CheckpointFile = "checkpoint.gob"

// checkpointVersion changes when the checkpoint's layout does.
const checkpointVersion = 1

// checkpoint is everything a run needs to continue exactly: the trainable
// weights and AdamW moments, the step, the data position (the shuffling
// RNG is a pure function of the seed and the epoch, so the position
// restores it; dropout seeds derive from the seed and the step), the best
// weights and early-stopping counters, and the metric history.
type checkpoint struct {
	Version     int
	Config      Config
	Fingerprint uint64 // of the training and validation rows
	TotalSteps  int
	Step        int   // optimizer steps done
	Position    int   // rows consumed from the shuffled stream
	Tokens      int64 // tokens trained on so far
	Names       []string
	Shapes      [][]int
	Weights     [][]float32
	AdamT       int
	M, V        [][]float32
	Best        [][]float32 // weights at the best validation loss; nil before the first validation
	BestStep    int
	BestLoss    float64
	BadEvals    int // validations since the best
	History     []Row
}

// save writes the checkpoint to dir through a temporary file and a rename.
func (c *checkpoint) save(dir string) error {
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(c); err != nil {
		return fmt.Errorf("encoding checkpoint at step %d: %w", c.Step, err)
	}
	if err := writeFileAtomic(filepath.Join(dir, CheckpointFile), buf.Bytes()); err != nil {
		return fmt.Errorf("writing checkpoint at step %d: %w", c.Step, err)
	}
	return nil
}

// loadCheckpoint reads dir's checkpoint.
func loadCheckpoint(dir string) (*checkpoint, error) {
	path := filepath.Join(dir, CheckpointFile)
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading checkpoint: %w", err)
	}
	var c checkpoint
	if err := gob.NewDecoder(bytes.NewReader(data)).Decode(&c); err != nil {
		return nil, fmt.Errorf("%s: decoding checkpoint: %w", path, err)
	}
	if c.Version != checkpointVersion {
		return nil, fmt.Errorf("%s: checkpoint version %d, this build reads %d", path, c.Version, checkpointVersion)
	}
	return &c, nil
}

// hasCheckpoint reports whether dir holds a checkpoint.
func hasCheckpoint(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, CheckpointFile))
	return !errors.Is(err, os.ErrNotExist)
}

// restoreParams copies saved tensors into params after checking that the
// names and shapes match.
func restoreParams(params []*lm.Param, names []string, shapes [][]int, values [][]float32) error {
	if len(names) != len(params) || len(values) != len(params) {
		return fmt.Errorf("checkpoint has %d trainable tensors, the model %d", len(names), len(params))
	}
	for i, p := range params {
		if names[i] != p.Name || !slices.Equal(shapes[i], p.Shape) || len(values[i]) != len(p.W) {
			return fmt.Errorf("checkpoint tensor %d is %s %v, the model's is %s %v", i, names[i], shapes[i], p.Name, p.Shape)
		}
		copy(p.W, values[i])
	}
	return nil
}

// snapshot copies the weights of params.
func snapshot(params []*lm.Param) [][]float32 {
	out := make([][]float32, len(params))
	for i, p := range params {
		out[i] = slices.Clone(p.W)
	}
	return out
}
