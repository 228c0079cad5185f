package train

import (
	"bytes"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// resultColumns maps the column names seen in OpenAI and Azure OpenAI results.csv files to a
// setter. OpenAI writes train_accuracy and valid_mean_token_accuracy; Azure writes
// train_mean_token_accuracy and validation_mean_token_accuracy; both may add the full_valid_*
// pair. Unknown columns are ignored so a provider adding one does not break parsing.
var resultColumns = map[string]func(*Metrics, float64){
	"step":                                func(m *Metrics, v float64) { m.Step = v },
	"train_loss":                          func(m *Metrics, v float64) { m.TrainLoss = v },
	"train_accuracy":                      func(m *Metrics, v float64) { m.TrainMeanTokenAccuracy = v },
	"train_mean_token_accuracy":           func(m *Metrics, v float64) { m.TrainMeanTokenAccuracy = v },
	"valid_loss":                          func(m *Metrics, v float64) { m.ValidLoss = v },
	"valid_mean_token_accuracy":           func(m *Metrics, v float64) { m.ValidMeanTokenAccuracy = v },
	"validation_mean_token_accuracy":      func(m *Metrics, v float64) { m.ValidMeanTokenAccuracy = v },
	"full_valid_loss":                     func(m *Metrics, v float64) { m.FullValidLoss = v },
	"full_valid_mean_token_accuracy":      func(m *Metrics, v float64) { m.FullValidMeanTokenAccuracy = v },
	"full_validation_mean_token_accuracy": func(m *Metrics, v float64) { m.FullValidMeanTokenAccuracy = v },
}

// ParseResults reads a fine-tuning results.csv, one row per training step. The file content
// endpoint of both providers returns it base64-encoded; plain CSV is accepted too. Empty cells
// (validation metrics are only computed every few steps) read as NaN so they can be told from 0.
func ParseResults(data []byte) ([]Metrics, error) {
	data = bytes.TrimSpace(data)
	if !bytes.HasPrefix(data, []byte("step")) {
		dec, err := base64.StdEncoding.DecodeString(string(data))
		if err != nil {
			return nil, fmt.Errorf("parse results: neither CSV starting with a step column nor base64: %w", err)
		}
		data = bytes.TrimSpace(dec)
	}
	r := csv.NewReader(bytes.NewReader(data))
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("parse results: read header: %w", err)
	}
	setters := make([]func(*Metrics, float64), len(header))
	for i, h := range header {
		setters[i] = resultColumns[strings.TrimSpace(h)]
	}
	if len(header) == 0 || setters[0] == nil || strings.TrimSpace(header[0]) != "step" {
		return nil, fmt.Errorf("parse results: first column is %q, want step", header[0])
	}
	var rows []Metrics
	for line := 2; ; line++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		if err != nil {
			return nil, fmt.Errorf("parse results: %w", err)
		}
		m := Metrics{ValidLoss: math.NaN(), ValidMeanTokenAccuracy: math.NaN(),
			FullValidLoss: math.NaN(), FullValidMeanTokenAccuracy: math.NaN()}
		for i, cell := range rec {
			if setters[i] == nil {
				continue
			}
			cell = strings.TrimSpace(cell)
			if cell == "" {
				continue
			}
			v, err := strconv.ParseFloat(cell, 64)
			if err != nil {
				return nil, fmt.Errorf("parse results: line %d column %s: %w", line, header[i], err)
			}
			setters[i](&m, v)
		}
		rows = append(rows, m)
	}
}

// MarshalJSON writes m leaving out the metrics that were not measured (NaN), which JSON
// cannot represent.
func (m Metrics) MarshalJSON() ([]byte, error) {
	out := map[string]float64{}
	add := func(k string, v float64) {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			out[k] = v
		}
	}
	add("step", m.Step)
	add("train_loss", m.TrainLoss)
	add("train_mean_token_accuracy", m.TrainMeanTokenAccuracy)
	add("valid_loss", m.ValidLoss)
	add("valid_mean_token_accuracy", m.ValidMeanTokenAccuracy)
	add("full_valid_loss", m.FullValidLoss)
	add("full_valid_mean_token_accuracy", m.FullValidMeanTokenAccuracy)
	return json.Marshal(out)
}
