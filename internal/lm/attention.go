package lm

import (
	"math"
	"runtime"
	"sync"

	"github.com/sqlforge/sqlforge/internal/lm/vecmath"
)

// parallel runs f(i) for i in [0, n) on up to GOMAXPROCS goroutines, giving
// each worker its own index w in [0, workers) for scratch buffers.
func parallel(n int, f func(w, i int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		for i := 0; i < n; i++ {
			f(0, i)
		}
		return
	}
	var wg sync.WaitGroup
	next := make(chan int, n)
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				f(w, i)
			}
		}()
	}
	wg.Wait()
}

// attentionShape is the geometry of one grouped-query attention call.
type attentionShape struct {
	B, T, Hq, Hkv, Dh int
	// Scale multiplies q·kᵀ (usually Dh^-½).
	Scale float32
	// Window, when positive, lets a query see only the last Window keys
	// (itself included).
	Window int
	// Cap, when positive, soft-caps the scaled scores as Cap·tanh(s/Cap).
	Cap float32
}

// attnShape is the attention geometry of layer li for B sequences of T.
func (m *Model) attnShape(li, B, T int) attentionShape {
	c := m.Config
	return attentionShape{B: B, T: T, Hq: c.NumAttentionHeads, Hkv: c.NumKeyValueHeads, Dh: c.HeadDim,
		Scale: c.attnScale(), Window: c.Window(li), Cap: c.attnSoftcap()}
}

// lo is the first key position query t may see.
func (s attentionShape) lo(t int) int {
	if s.Window > 0 {
		return max(0, t+1-s.Window)
	}
	return 0
}

func (s attentionShape) qDim() int  { return s.Hq * s.Dh }
func (s attentionShape) kvDim() int { return s.Hkv * s.Dh }

// attention computes causal grouped-query attention. q [N, Hq·Dh] and k, v
// [N, Hkv·Dh] are row-major with N = B·T (rotary already applied); query
// head h reads key/value head h/(Hq/Hkv) (Hugging Face's repeat_kv). It
// writes probs [B, Hq, T, T] (zero above the diagonal) and out [N, Hq·Dh].
// Work is spread over the B·Hq (batch, head) pairs.
func attention(s attentionShape, out, probs, q, k, v []float32) {
	T, Dh, qd, kvd := s.T, s.Dh, s.qDim(), s.kvDim()
	group := s.Hq / s.Hkv
	parallel(s.B*s.Hq, func(_, i int) {
		b, h := i/s.Hq, i%s.Hq
		kh := h / group
		qh := q[b*T*qd+h*Dh:]
		kk := k[b*T*kvd+kh*Dh:]
		vv := v[b*T*kvd+kh*Dh:]
		p := probs[i*T*T : (i+1)*T*T]
		// Causal: rows r0..r1 of the scores only see keys below r1.
		for r0 := 0; r0 < T; r0 += causalBlock {
			r1 := min(r0+causalBlock, T)
			matmul(false, true, r1-r0, r1, Dh, s.Scale, qh[r0*qd:], qd, kk, kvd, 0, p[r0*T:], T)
			for t := r0; t < r1; t++ {
				softmaxScores(p[t*T:(t+1)*T], s.lo(t), t+1, s.Cap)
			}
			matmul(false, false, r1-r0, Dh, r1, 1, p[r0*T:], T, vv, kvd, 0, out[b*T*qd+r0*qd+h*Dh:], qd)
		}
	})
}

// causalBlock is the number of query rows whose scores are computed
// together: a block's products stop at its last row's key, which skips
// about 40% of attention's multiply-adds at T = 128 (the masked half, less
// the blocks' diagonal squares). A multiple of the GEMM's 6-row panel.
const causalBlock = 30

// softmaxScores turns the scores row[lo:n] into probabilities (soft-capped
// first when cap > 0) and zeroes the rest of row.
func softmaxScores(row []float32, lo, n int, cap float32) {
	if cap > 0 {
		for j := lo; j < n; j++ {
			row[j] = cap * float32(math.Tanh(float64(row[j]/cap)))
		}
	}
	softmaxCausal(row[lo:], n-lo)
	clear(row[:lo])
}

// softmaxCausal replaces row[:n] by its softmax and zeroes row[n:].
func softmaxCausal(row []float32, n int) {
	mx := vecmath.Max(row[:n])
	sum := vecmath.ExpShift(row[:n], row[:n], mx)
	vecmath.Scale(row[:n], float32(1/sum))
	clear(row[n:])
}

// attentionBackward computes dq [N, Hq·Dh] and adds to dk, dv [N, Hkv·Dh]
// the gradients of attention given dout [N, Hq·Dh] and the forward's probs.
// Work is spread over (batch, key/value head) pairs so that the query heads
// sharing a key/value head accumulate into it without races.
func attentionBackward(s attentionShape, dq, dk, dv, dout, probs, q, k, v []float32, ar *arena) {
	T, Dh, qd, kvd := s.T, s.Dh, s.qDim(), s.kvDim()
	group := s.Hq / s.Hkv
	scale := s.Scale
	workers := min(runtime.GOMAXPROCS(0), s.B*s.Hkv)
	scratch, capped := make([][]float32, max(workers, 1)), make([][]float32, max(workers, 1))
	for w := range scratch {
		scratch[w] = ar.scratch(T * T)
		if s.Cap > 0 {
			capped[w] = ar.floats(T * T)
		}
	}
	parallel(s.B*s.Hkv, func(w, i int) {
		b, kh := i/s.Hkv, i%s.Hkv
		kk, vv := k[b*T*kvd+kh*Dh:], v[b*T*kvd+kh*Dh:]
		dkk, dvv := dk[b*T*kvd+kh*Dh:], dv[b*T*kvd+kh*Dh:]
		dp := scratch[w]
		for h := kh * group; h < (kh+1)*group; h++ {
			p := probs[(b*s.Hq+h)*T*T : (b*s.Hq+h+1)*T*T]
			do := dout[b*T*qd+h*Dh:]
			if s.Cap > 0 {
				matmul(false, true, T, T, Dh, 1, do, qd, vv, kvd, 0, dp, T)
				matmul(true, false, T, Dh, T, 1, p, T, do, qd, 1, dvv, kvd)
				softcapBackward(s, dp, p, capped[w], q[b*T*qd+h*Dh:], kk)
				matmul(false, false, T, Dh, T, 1, dp, T, kk, kvd, 0, dq[b*T*qd+h*Dh:], qd)
				matmul(true, false, T, Dh, T, 1, dp, T, q[b*T*qd+h*Dh:], qd, 1, dkk, kvd)
				continue
			}
			// Causal, as in the forward pass: row block r0..r1 of dp and dq
			// reads keys below r1; column block r0..r1 of dv and dk is
			// written by queries from r0 on.
			qh, dqh := q[b*T*qd+h*Dh:], dq[b*T*qd+h*Dh:]
			for r0 := 0; r0 < T; r0 += causalBlock {
				r1 := min(r0+causalBlock, T)
				matmul(false, true, r1-r0, r1, Dh, 1, do[r0*qd:], qd, vv, kvd, 0, dp[r0*T:], T)
				matmul(true, false, r1-r0, Dh, T-r0, 1, p[r0*T+r0:], T, do[r0*qd:], qd, 1, dvv[r0*kvd:], kvd)
			}
			for t := 0; t < T; t++ {
				pr, dr := p[t*T:(t+1)*T], dp[t*T:(t+1)*T]
				var dot float64
				for j := 0; j <= t; j++ {
					dot += float64(pr[j]) * float64(dr[j])
				}
				for j := 0; j <= t; j++ {
					dr[j] = scale * pr[j] * (dr[j] - float32(dot))
				}
				clear(dr[t+1:])
			}
			for r0 := 0; r0 < T; r0 += causalBlock {
				r1 := min(r0+causalBlock, T)
				matmul(false, false, r1-r0, Dh, r1, 1, dp[r0*T:], T, kk, kvd, 0, dqh[r0*qd:], qd)
				matmul(true, false, r1-r0, Dh, T-r0, 1, dp[r0*T+r0:], T, qh[r0*qd:], qd, 1, dkk[r0*kvd:], kvd)
			}
		}
	})
}

// softcapBackward turns dp [T, T], the gradient of one head's
// probabilities p, into the gradient of its q·kᵀ through the softmax, the
// soft cap (d/ds cap·tanh(s/cap) = 1 − tanh²) and the scale. It recomputes
// the capped scores into c (scratch [T, T]) from q and k.
func softcapBackward(s attentionShape, dp, p, c, q, k []float32) {
	T := s.T
	matmul(false, true, T, T, s.Dh, s.Scale, q, s.qDim(), k, s.kvDim(), 0, c, T)
	for t := 0; t < T; t++ {
		pr, dr, cr := p[t*T:(t+1)*T], dp[t*T:(t+1)*T], c[t*T:(t+1)*T]
		lo := s.lo(t)
		var dot float64
		for j := lo; j <= t; j++ {
			dot += float64(pr[j]) * float64(dr[j])
		}
		clear(dr[:lo])
		for j := lo; j <= t; j++ {
			th := math.Tanh(float64(cr[j] / s.Cap))
			dr[j] = s.Scale * pr[j] * (dr[j] - float32(dot)) * float32(1-th*th)
		}
		clear(dr[t+1:])
	}
}
