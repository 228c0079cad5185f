package ranking

import (
	"bufio"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"
)

// peakMeter measures the peak memory of a stretch of work. On Linux it resets the kernel's
// high-water mark of resident memory (writing 5 to /proc/self/clear_refs) and reads VmHWM at
// the end, so each base is measured on its own although they run in one process; elsewhere
// it samples the Go heap every 50 ms.
type peakMeter struct {
	kernel bool
	done   chan struct{}
	wg     sync.WaitGroup
	mu     sync.Mutex
	heap   uint64
}

func startPeak() *peakMeter {
	runtime.GC()
	debug.FreeOSMemory() // what the previous base left behind is not counted again
	p := &peakMeter{}
	if os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil {
		if _, ok := readVmHWM(); ok {
			p.kernel = true
			return p
		}
	}
	p.done = make(chan struct{})
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			p.sample()
			select {
			case <-p.done:
				return
			case <-t.C:
			}
		}
	}()
	return p
}

func (p *peakMeter) sample() {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	p.mu.Lock()
	p.heap = max(p.heap, ms.HeapInuse)
	p.mu.Unlock()
}

// stop returns the peak in bytes and how it was measured: "rss" (the kernel's peak resident
// set) or "go-heap" (sampled heap in use).
func (p *peakMeter) stop() (uint64, string) {
	if p.kernel {
		if v, ok := readVmHWM(); ok {
			return v, "rss"
		}
		return 0, "rss"
	}
	close(p.done)
	p.wg.Wait()
	p.sample()
	return p.heap, "go-heap"
}

// readVmHWM reads the peak resident set size from /proc/self/status.
func readVmHWM() (uint64, bool) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:")
		if !ok {
			continue
		}
		kb, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
		return kb * 1024, err == nil
	}
	return 0, false
}
