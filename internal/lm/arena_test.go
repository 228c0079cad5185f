package lm

import "testing"

// TestSizeClass checks that a class's capacity holds n, wastes at most a
// quarter, and maps back to the same class (put finds it by capacity).
func TestSizeClass(t *testing.T) {
	for n := 1; n < 1<<20; n += 1 + n/97 {
		c, size := sizeClass(n)
		if size < n || float64(size) > 1.25*float64(n)+1 {
			t.Fatalf("sizeClass(%d) = %d, %d", n, c, size)
		}
		if c2, s2 := sizeClass(size); c2 != c || s2 != size {
			t.Fatalf("sizeClass(%d) = %d, %d; of its size %d: %d, %d", n, c, size, size, c2, s2)
		}
	}
	a := &arena{}
	b := a.floats(1000)
	b[3] = 7
	a.release()
	b2 := (&arena{}).floats(990)
	if b2[3] != 0 || len(b2) != 990 {
		t.Fatalf("reused buffer not cleared or wrong length: %v, %d", b2[3], len(b2))
	}
}
