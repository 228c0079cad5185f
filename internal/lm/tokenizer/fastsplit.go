package tokenizer

import (
	"unicode"
	"unicode/utf8"
)

// Hand-written equivalents of the GPT-2, Llama 3 and Qwen2 pre-tokenizer regexes. regexp2 is
// a backtracking engine and too slow for long texts; these give the same pieces (checked
// against regexp2 by TestFastSplitMatchesRegex and FuzzFastSplit) in one pass.

// Llama3Pattern is the Llama 3 pre-tokenizer regex (digits in groups of up to three).
const Llama3Pattern = `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`

// Qwen2Pattern is the Qwen2 pre-tokenizer regex (each digit alone).
const Qwen2Pattern = `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`

func init() {
	fastSplitters[GPT2Pattern] = splitGPT2
	fastSplitters[Llama3Pattern] = func(s string) []string { return splitLlama3(s, 3) }
	fastSplitters[Qwen2Pattern] = func(s string) []string { return splitLlama3(s, 1) }
}

func runeAt(s string, i int) (rune, int) {
	if i >= len(s) {
		return -1, 0
	}
	if s[i] < utf8.RuneSelf {
		return rune(s[i]), 1
	}
	return utf8.DecodeRuneInString(s[i:])
}

func isL(r rune) bool {
	return r >= 0 && (r < utf8.RuneSelf && (r|0x20 >= 'a' && r|0x20 <= 'z') || r >= utf8.RuneSelf && unicode.IsLetter(r))
}
func isN(r rune) bool {
	return r >= 0 && (r >= '0' && r <= '9' || r >= utf8.RuneSelf && unicode.IsNumber(r))
}
func isS(r rune) bool     { return r >= 0 && unicode.IsSpace(r) }
func isOther(r rune) bool { return r >= 0 && !isL(r) && !isN(r) && !isS(r) }

// span runs while f holds from i, at most max runes (max <= 0: no limit), and returns the end.
func spanWhile(s string, i int, f func(rune) bool, max int) int {
	for n := 0; max <= 0 || n < max; n++ {
		r, w := runeAt(s, i)
		if w == 0 || !f(r) {
			break
		}
		i += w
	}
	return i
}

// contraction matches 's 't 're 've 'm 'll 'd at i (any case when fold is set).
func contraction(s string, i int, fold bool) int {
	if i >= len(s) || s[i] != '\'' {
		return i
	}
	low := func(j int) byte {
		if j >= len(s) {
			return 0
		}
		c := s[j]
		if fold && c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		return c
	}
	switch c := low(i + 1); c {
	case 's', 't', 'm', 'd':
		return i + 2
	case 'r', 'v':
		if low(i+2) == 'e' {
			return i + 3
		}
	case 'l':
		if low(i+2) == 'l' {
			return i + 3
		}
	}
	return i
}

// whitespace handles \s+(?!\S)|\s+ at i, where s[i] is whitespace.
func whitespace(s string, i int) int {
	end := spanWhile(s, i, isS, 0)
	if end == len(s) {
		return end
	}
	_, w := utf8.DecodeLastRuneInString(s[i:end])
	if end-w > i {
		return end - w // leave the last space to prefix the next word
	}
	return end
}

func splitGPT2(s string) []string {
	var out []string
	for i := 0; i < len(s); {
		j := contraction(s, i, false)
		if j == i {
			r, w := runeAt(s, i)
			k := i
			if r == ' ' {
				k = i + w
			}
			c, _ := runeAt(s, k)
			switch {
			case isL(c):
				j = spanWhile(s, k, isL, 0)
			case isN(c):
				j = spanWhile(s, k, isN, 0)
			case isOther(c):
				j = spanWhile(s, k, isOther, 0)
			default:
				j = whitespace(s, i)
			}
		}
		out = append(out, s[i:j])
		i = j
	}
	return out
}

func splitLlama3(s string, maxDigits int) []string {
	var out []string
	for i := 0; i < len(s); {
		j := contraction(s, i, true)
		if j > i {
			out = append(out, s[i:j])
			i = j
			continue
		}
		r, w := runeAt(s, i)
		next, _ := runeAt(s, i+w)
		switch {
		case isL(r):
			j = spanWhile(s, i, isL, 0)
		case r != '\r' && r != '\n' && !isN(r) && isL(next):
			j = spanWhile(s, i+w, isL, 0)
		case isN(r):
			j = spanWhile(s, i, isN, maxDigits)
		case isOther(r) || (r == ' ' && isOther(next)):
			k := i
			if r == ' ' {
				k = i + w
			}
			j = spanWhile(s, k, isOther, 0)
			j = spanWhile(s, j, func(r rune) bool { return r == '\r' || r == '\n' }, 0)
		default: // whitespace
			end := spanWhile(s, i, isS, 0)
			lastNL := -1
			for k := i; k < end; k++ {
				if s[k] == '\r' || s[k] == '\n' {
					lastNL = k
				}
			}
			if lastNL >= 0 {
				j = lastNL + 1 // \s*[\r\n]+
			} else {
				j = whitespace(s, i)
			}
		}
		out = append(out, s[i:j])
		i = j
	}
	return out
}
