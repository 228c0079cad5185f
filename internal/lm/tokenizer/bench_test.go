package tokenizer

import (
	"strings"
	"testing"
)

// benchText is a mix of English questions, CREATE TABLE statements and SQL.
func benchText(b *testing.B) string {
	var sb strings.Builder
	for s := range sqlTexts(b, 2000) {
		sb.WriteString(s)
	}
	return sb.String()
}

// BenchmarkEncode reports encode throughput (MB/s) with a warm word cache, as in training.
func BenchmarkEncode(b *testing.B) {
	text := benchText(b)
	for _, name := range []string{"gpt2.json", "llama3.json", "llama2.json"} {
		tok := mustLoad(b, name)
		tok.Encode(text)
		b.Run(strings.TrimSuffix(name, ".json"), func(b *testing.B) {
			b.SetBytes(int64(len(text)))
			for b.Loop() {
				tok.Encode(text)
			}
		})
	}
}

func BenchmarkTrain(b *testing.B) {
	texts := sqlTexts(b, 0)
	for b.Loop() {
		if _, err := Train(texts, 8192, DefaultSpecialTokens); err != nil {
			b.Fatal(err)
		}
	}
}
