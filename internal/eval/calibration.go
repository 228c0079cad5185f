package eval

import "math"

// CalibrationBins is the number of equal-width confidence bins of a report:
// [0, 0.2), [0.2, 0.4), [0.4, 0.6), [0.6, 0.8), [0.8, 1].
const CalibrationBins = 5

// Calibration says whether a model's confidence means what it says: over the
// items with a confidence and an EX verdict, the execution accuracy of the
// answers in each confidence bin, and the expected calibration error.
type Calibration struct {
	// Items counts the items binned: those with a confidence and a working gold.
	Items int `json:"items"`
	// MeanConfidence and Accuracy (EX) are over those items.
	MeanConfidence float64 `json:"mean_confidence"`
	Accuracy       float64 `json:"accuracy"`
	// ECE is the expected calibration error, Σ (items in bin / items) ×
	// |accuracy − mean confidence| over the bins: 0 when the confidence is the
	// accuracy, up to 1.
	ECE float64 `json:"ece"`
	// MeanRight and MeanWrong are the mean confidence of the right and of the wrong answers:
	// a useful confidence is higher on the right ones.
	MeanRight float64          `json:"mean_confidence_right"`
	MeanWrong float64          `json:"mean_confidence_wrong"`
	Bins      []CalibrationBin `json:"bins"`
}

// CalibrationBin is one confidence interval [Lo, Hi) ([Lo, Hi] for the last).
type CalibrationBin struct {
	Lo    float64 `json:"lo"`
	Hi    float64 `json:"hi"`
	Items int     `json:"items"`
	// MeanConfidence and Accuracy are 0 when the bin is empty.
	MeanConfidence float64 `json:"mean_confidence"`
	Accuracy       float64 `json:"accuracy"`
}

// Calibrate bins the items that have both a confidence and an EX verdict into
// bins equal-width bins; nil when there is none.
func Calibrate(items []ItemResult, bins int) *Calibration {
	if bins < 1 {
		bins = 1
	}
	conf := make([]float64, bins)
	correct := make([]float64, bins)
	n := make([]int, bins)
	total := 0
	var right, wrong float64
	var nRight int
	for _, it := range items {
		if it.Confidence == nil || it.Metrics.EX == nil {
			continue
		}
		b := bin(*it.Confidence, bins)
		n[b]++
		conf[b] += *it.Confidence
		if *it.Metrics.EX {
			correct[b]++
			right += *it.Confidence
			nRight++
		} else {
			wrong += *it.Confidence
		}
		total++
	}
	if total == 0 {
		return nil
	}
	c := &Calibration{Items: total}
	var sumConf, sumCorrect, ece float64
	for b := range bins {
		cb := CalibrationBin{Lo: edge(b, bins), Hi: edge(b+1, bins), Items: n[b]}
		if n[b] > 0 {
			meanConf, acc := conf[b]/float64(n[b]), correct[b]/float64(n[b])
			ece += float64(n[b]) / float64(total) * math.Abs(acc-meanConf)
			cb.MeanConfidence, cb.Accuracy = round(meanConf, 4), round(acc, 4)
		}
		sumConf += conf[b]
		sumCorrect += correct[b]
		c.Bins = append(c.Bins, cb)
	}
	c.MeanConfidence, c.Accuracy = frac(sumConf, float64(total)), frac(sumCorrect, float64(total))
	c.ECE = round(ece, 4)
	c.MeanRight, c.MeanWrong = frac(right, float64(nRight)), frac(wrong, float64(total-nRight))
	return c
}

// bin is the index of the bin holding confidence x: the last bin whose lower
// edge is at most x (edges are computed as b/bins, so 0.2, 0.4, ... fall into
// the bin they open); values outside [0, 1] go to the end bins.
func bin(x float64, bins int) int {
	b := 0
	for b+1 < bins && x >= edge(b+1, bins) {
		b++
	}
	return b
}

func edge(b, bins int) float64 { return float64(b) / float64(bins) }
