package bench

import (
	"context"
	"fmt"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/sqlforge/sqlforge/internal/lm"
)

func cpuNow() float64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

func TestZZCPU(t *testing.T) {
	if os.Getenv("ZZCPU") == "" {
		t.Skip()
	}
	opts := DefaultOptions()
	opts.Steps = 8
	for _, mode := range []string{"lora", "full"} {
		for _, name := range []string{"5M", "tiny"} {
			var m *lm.Model
			var err error
			if name == "5M" {
				m, _ = lm.NewModel(Config5M())
				m.InitRandom(1, 0.02)
			} else {
				m, err = lm.Load("/work/wt-i18c/models/sqlforge-tiny")
				if err != nil {
					t.Fatal(err)
				}
			}
			c0, w0 := cpuNow(), time.Now()
			tr, _, err := trainStep(context.Background(), m, name, mode, opts)
			if err != nil {
				t.Fatal(err)
			}
			cpu, wall := cpuNow()-c0, time.Since(w0).Seconds()
			fmt.Printf("ZZ %s %s best %.1f ms/step, cpu %.1f ms/step, wall %.1f ms/step\n", name, mode, tr.SecondsPerStep*1e3, cpu/float64(opts.Steps+1)*1e3, wall/float64(opts.Steps+1)*1e3)
		}
	}
}
