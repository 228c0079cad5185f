package bench

import (
	"math"
	"runtime"
	"sync"

	"github.com/sqlforge/sqlforge/internal/lm"
	"github.com/sqlforge/sqlforge/internal/lm/vecmath"
)

// adamW is PyTorch's AdamW (β 0.9/0.999, ε 1e-8, no weight decay, as
// bench_torch.py configures it), so both sides time the same update. Like
// torch.optim.AdamW it computes in float32, in torch's order:
// m ← β1·m + (1−β1)·g, v ← β2·v + (1−β2)·g², w ← w − lr/(1−β1ᵗ) · m /
// (√v/√(1−β2ᵗ) + ε), 8 values at a time (vecmath.AdamW); the tensors are
// cut into chunks shared by the cores.
type adamW struct {
	params []*lm.Param
	m, v   [][]float32
	t      int
}

func newAdamW(params []*lm.Param) *adamW {
	o := &adamW{params: params}
	for _, p := range params {
		o.m = append(o.m, make([]float32, len(p.W)))
		o.v = append(o.v, make([]float32, len(p.W)))
	}
	return o
}

// chunk is the number of values one goroutine updates at a time.
const chunk = 1 << 16

func (o *adamW) step(lr float64) {
	const b1, b2, eps = 0.9, 0.999, 1e-8
	o.t++
	c1, c2 := 1-math.Pow(b1, float64(o.t)), 1-math.Pow(b2, float64(o.t))
	stepSize, sqrtC2 := float32(lr/c1), float32(math.Sqrt(c2))
	type span struct{ i, lo, hi int }
	var spans []span
	for i, p := range o.params {
		for lo := 0; lo < len(p.G); lo += chunk {
			spans = append(spans, span{i, lo, min(lo+chunk, len(p.G))})
		}
	}
	update := func(s span) {
		vecmath.AdamW(o.params[s.i].W[s.lo:s.hi], o.params[s.i].G[s.lo:s.hi], o.m[s.i][s.lo:s.hi], o.v[s.i][s.lo:s.hi],
			b1, b2, stepSize, sqrtC2, eps)
	}
	workers := min(runtime.GOMAXPROCS(0), len(spans))
	if workers <= 1 {
		for _, s := range spans {
			update(s)
		}
		return
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	next := 0
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				k := next
				next++
				mu.Unlock()
				if k >= len(spans) {
					return
				}
				update(spans[k])
			}
		}()
	}
	wg.Wait()
}
