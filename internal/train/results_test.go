package train

import (
	"encoding/base64"
	"math"
	"testing"
)

func TestParseResults(t *testing.T) {
	openai := "step,train_loss,train_accuracy,valid_loss,valid_mean_token_accuracy\n1,1.5,0.6,,\n2,1.2,0.7,1.3,0.65\n"
	azure := "step,train_loss,train_mean_token_accuracy,valid_loss,validation_mean_token_accuracy,full_valid_loss,full_valid_mean_token_accuracy\n1,1.5,0.6,1.4,0.61,1.45,0.6\n"
	tests := []struct {
		name    string
		in      string
		rows    int
		check   func(m []Metrics) bool
		wantErr bool
	}{
		{"openai plain", openai, 2, func(m []Metrics) bool {
			return math.IsNaN(m[0].ValidLoss) && m[1].ValidLoss == 1.3 && m[1].TrainMeanTokenAccuracy == 0.7
		}, false},
		{"openai base64", base64.StdEncoding.EncodeToString([]byte(openai)), 2, func(m []Metrics) bool { return m[1].Step == 2 }, false},
		{"azure names", azure, 1, func(m []Metrics) bool { return m[0].ValidMeanTokenAccuracy == 0.61 && m[0].FullValidLoss == 1.45 }, false},
		{"not csv", "hello, world", 0, nil, true},
		{"bad number", "step,train_loss\n1,abc\n", 0, nil, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseResults([]byte(tc.in))
			if (err != nil) != tc.wantErr {
				t.Fatalf("err %v, wantErr %v", err, tc.wantErr)
			}
			if len(got) != tc.rows || (tc.check != nil && !tc.check(got)) {
				t.Errorf("got %+v, want %d rows passing the check", got, tc.rows)
			}
		})
	}
}
