package tokenizer

import (
	"encoding/binary"
	"fmt"
	"strings"
	"unicode/utf8"
)

// spNormalizer is SentencePiece's normalizer (normalizer.cc): the precompiled character map
// (a Darts-clone double-array trie whose leaves point into a blob of NUL-terminated
// replacements; empty for "identity"), then whitespace handling: extra spaces removed, a
// dummy prefix space added, spaces escaped as ▁.
type spNormalizer struct {
	trie        []uint32 // double-array units; nil without a character map
	replace     []byte   // NUL-terminated replacement strings the trie's values index
	dummyPrefix bool
	removeExtra bool
	escape      bool
	suffix      bool // treat_whitespace_as_suffix: the dummy space goes at the end
	user        []string
}

const spaceSymbol = "\u2581"

func newSPNormalizer(p *spProto, user []string) (*spNormalizer, error) {
	n := &spNormalizer{dummyPrefix: p.AddDummyPrefix, removeExtra: p.RemoveExtraWhitespaces,
		escape: p.EscapeWhitespaces, suffix: p.TreatWhitespaceAsSuffix, user: user}
	blob := p.PrecompiledCharsmap
	if len(blob) == 0 {
		return n, nil
	}
	if len(blob) <= 4 {
		return nil, fmt.Errorf("normalizer_spec.precompiled_charsmap: %d bytes", len(blob))
	}
	size := binary.LittleEndian.Uint32(blob)
	if uint64(size) >= uint64(len(blob)-4) || size%4 != 0 {
		return nil, fmt.Errorf("normalizer_spec.precompiled_charsmap: trie of %d bytes in a %d-byte map", size, len(blob))
	}
	n.trie = make([]uint32, size/4)
	for i := range n.trie {
		n.trie[i] = binary.LittleEndian.Uint32(blob[4+4*i:])
	}
	n.replace = blob[4+size:]
	return n, nil
}

// longestRule returns the length of the longest prefix of s the character map rewrites and
// the replacement, or 0 when no rule matches (Darts-clone commonPrefixSearch).
func (n *spNormalizer) longestRule(s string) (int, string) {
	if len(n.trie) == 0 {
		return 0, ""
	}
	offset := func(u uint32) uint32 { return (u >> 10) << ((u & (1 << 9)) >> 6) }
	pos := offset(n.trie[0])
	best, value := 0, uint32(0)
	for i := 0; i < len(s); i++ {
		c := uint32(s[i])
		pos ^= c
		if pos >= uint32(len(n.trie)) {
			break
		}
		u := n.trie[pos]
		if u&((1<<31)|0xFF) != c {
			break
		}
		pos ^= offset(u)
		if u>>8&1 == 1 {
			if pos >= uint32(len(n.trie)) {
				break
			}
			best, value = i+1, n.trie[pos]&(1<<31-1)
		}
	}
	if best == 0 || value >= uint32(len(n.replace)) {
		return 0, ""
	}
	r := n.replace[value:]
	if end := strings.IndexByte(string(r), 0); end >= 0 {
		r = r[:end]
	}
	return best, string(r)
}

// prefix normalizes the start of s: it returns the normalized text of the first unit and
// how many bytes of s it consumed (normalizer.cc NormalizePrefix). User-defined symbols are
// kept as they are; an invalid byte becomes U+FFFD.
func (n *spNormalizer) prefix(s string) (string, int) {
	for _, u := range n.user {
		if strings.HasPrefix(s, u) {
			return u, len(u)
		}
	}
	if l, r := n.longestRule(s); l > 0 {
		return r, l
	}
	r, size := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError && size <= 1 {
		return "\uFFFD", 1
	}
	return s[:size], size
}

// normalize returns the text the model segments.
func (n *spNormalizer) normalize(s string) string {
	if n.removeExtra {
		for s != "" {
			p, l := n.prefix(s)
			if p != " " {
				break
			}
			s = s[l:]
		}
	}
	if s == "" {
		return ""
	}
	space := " "
	if n.escape {
		space = spaceSymbol
	}
	var b strings.Builder
	b.Grow(len(s) * 2)
	if !n.suffix && n.dummyPrefix {
		b.WriteString(space)
	}
	prevSpace := n.removeExtra
	for s != "" {
		p, l := n.prefix(s)
		for prevSpace && strings.HasPrefix(p, " ") {
			p = p[1:]
		}
		if p != "" {
			if n.escape {
				b.WriteString(strings.ReplaceAll(p, " ", spaceSymbol))
			} else {
				b.WriteString(p)
			}
			prevSpace = strings.HasSuffix(p, " ")
		}
		s = s[l:]
		if !n.removeExtra {
			prevSpace = false
		}
	}
	out := b.String()
	if n.removeExtra {
		for strings.HasSuffix(out, space) {
			out = out[:len(out)-len(space)]
		}
	}
	if n.suffix && n.dummyPrefix {
		out += space
	}
	return out
}
