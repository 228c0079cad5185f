package link

// betweenWords may stand between the halves of a metric's name written around a breakdown
// ("units of each product in stock").
var betweenWords = setOf(`of each every per for the our are is do does we have currently in on`)

// joinSplitMetrics reads two metric mentions that are the halves of another metric's name,
// written around a thing ("how many units of each product are in stock": units in stock by
// product), as that metric. Only dimension words and small words may stand between them.
func (l *Linker) joinSplitMetrics(ls *Links) {
	for a := 0; a < len(ls.Mentions); a++ {
		if ls.Mentions[a].Kind != KindMetric {
			continue
		}
		b := a + 1
		for b < len(ls.Mentions) && ls.Mentions[b].Kind == KindDimension {
			b++
		}
		if b >= len(ls.Mentions) || ls.Mentions[b].Kind != KindMetric || !l.onlyBetween(ls, a, b) {
			continue
		}
		if id := l.joined(ls, ls.Mentions[a], ls.Mentions[b]); id != "" {
			ls.Mentions[a].ID = id
			ls.Mentions = append(ls.Mentions[:b], ls.Mentions[b+1:]...)
		}
	}
}

// joined is the metric the words of mentions a and b name together, with or without the
// preposition before b ("units" + "in" + "stock": units in stock); "" when none.
func (l *Linker) joined(ls *Links, ma, mb Mention) string {
	head := ls.toks[ma.Start:ma.End]
	tails := [][]token{ls.toks[mb.Start:mb.End]}
	if p := mb.Start - 1; p > ma.End && (ls.toks[p].text == "in" || ls.toks[p].text == "on") {
		tails = append(tails, ls.toks[p:mb.End])
	}
	for _, tail := range tails {
		probe := append(append([]token(nil), head...), tail...)
		n, es := l.lex.lookup(probe, make([]bool, len(probe)), 0, false)
		if n == len(probe) && topKind(es) == KindMetric && ma.ID != mb.ID {
			return es[0].id
		}
	}
	return ""
}

// onlyBetween: the tokens between mentions a and b are dimension mentions' or small words.
func (l *Linker) onlyBetween(ls *Links, a, b int) bool {
	inDim := map[int]bool{}
	for k := a + 1; k < b; k++ {
		for i := ls.Mentions[k].Start; i < ls.Mentions[k].End; i++ {
			inDim[i] = true
		}
	}
	for i := ls.Mentions[a].End; i < ls.Mentions[b].Start; i++ {
		if !inDim[i] && !betweenWords[ls.toks[i].text] {
			return false
		}
	}
	return b > a+1 // a thing stands between them
}
