package lm

import (
	"math/bits"
	"sync"
)

// A training step allocates the same activations and gradient temporaries
// (tens of MiB) every time; fresh ones cost the kernel's page faults and the
// runtime's zeroing each step. An arena hands out buffers from a shared
// pool and gives them all back at once: Backward does so for its
// temporaries, Activations.Release for a forward pass's activations.

// floatPool keeps released float32 buffers by size class (four per power
// of two), up to maxPooled values in all.
type floatPool struct {
	mu     sync.Mutex
	free   map[int][][]float32
	pooled int
}

// maxPooled bounds the pool: 256 Mi values (1 GiB); buffers released
// beyond it are left to the garbage collector.
const maxPooled = 1 << 28

var pool = floatPool{free: map[int][][]float32{}}

// sizeClass returns the class of n values and its capacity: n itself up
// to 64, else n rounded up to a multiple of an eighth of the power of two
// at or above it (four classes per power of two, at most 25% unused).
func sizeClass(n int) (class, size int) {
	if n <= 64 {
		return n, n
	}
	e := bits.Len(uint(n - 1)) // n <= 1<<e, e >= 7
	q := 1 << (e - 3)
	sub := (n + q - 1) / q // 5..8
	return 1000 + 8*e + sub, sub * q
}

// get returns a buffer of n values, zeroed when zero is set (else a
// recycled buffer keeps whatever it held).
func (p *floatPool) get(n int, zero bool) []float32 {
	class, size := sizeClass(n)
	p.mu.Lock()
	if l := p.free[class]; len(l) > 0 {
		b := l[len(l)-1]
		p.free[class] = l[:len(l)-1]
		p.pooled -= cap(b)
		p.mu.Unlock()
		b = b[:n]
		if zero {
			clear(b)
		}
		return b
	}
	p.mu.Unlock()
	return make([]float32, n, size)
}

// put gives buffers back; they must not be used afterwards.
func (p *floatPool) put(bufs [][]float32) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, b := range bufs {
		if cap(b) == 0 || p.pooled+cap(b) > maxPooled {
			continue
		}
		class, size := sizeClass(cap(b))
		if size != cap(b) {
			continue // not one of ours
		}
		p.free[class] = append(p.free[class], b[:0])
		p.pooled += cap(b)
	}
}

// arena records the buffers it hands out so they can be released
// together. A nil arena allocates with make and releases nothing (the
// decoding step, which keeps nothing).
type arena struct {
	bufs [][]float32
}

// floats returns a zeroed buffer of n values.
func (a *arena) floats(n int) []float32 {
	if a == nil {
		return make([]float32, n)
	}
	b := pool.get(n, true)
	a.bufs = append(a.bufs, b)
	return b
}

// scratch returns a buffer of n values whose contents are undefined, for
// outputs written in full before they are read (a product with beta 0, a
// norm, an elementwise function): recycled memory is not cleared again.
func (a *arena) scratch(n int) []float32 {
	if a == nil {
		return make([]float32, n)
	}
	b := pool.get(n, false)
	a.bufs = append(a.bufs, b)
	return b
}

// release gives every buffer back to the pool.
func (a *arena) release() {
	if a == nil {
		return
	}
	pool.put(a.bufs)
	a.bufs = nil
}
