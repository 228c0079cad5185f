//go:build unix

package cli

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/http/httputil"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
)

// helperEnv makes the test binary, re-executed by cliProcess, run the CLI instead of tests.
const helperEnv = "SQLFORGE_TEST_HELPER_CLI"

// TestHelperCLI is not a test: in a child process started by cliProcess it runs
// "sqlforge ARGS" (the arguments after "--") and exits with its status.
func TestHelperCLI(t *testing.T) {
	if os.Getenv(helperEnv) != "1" {
		return
	}
	args := os.Args
	for i, a := range args {
		if a == "--" {
			args = args[i+1:]
			break
		}
	}
	os.Exit(Run(context.Background(), args, strings.NewReader(""), os.Stdout, os.Stderr))
}

// cliProcess returns the command that runs "sqlforge args" in a child process with the
// current environment (so t.Setenv reaches it).
func cliProcess(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, os.Args[0], append([]string{"-test.run=^TestHelperCLI$", "--"}, args...)...)
	cmd.Env = append(os.Environ(), helperEnv+"=1")
	return cmd
}

// pollGate forwards to the contract server and holds every job poll after the first limit
// until it is opened (or the client goes away), so that a job cannot end before the test
// kills the process that follows it, however slow the machine.
type pollGate struct {
	proxy *httputil.ReverseProxy
	limit int

	mu    sync.Mutex
	polls int
	held  chan struct{} // closed when the first poll is held
	open  chan struct{}
}

func (g *pollGate) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	if r.Method == http.MethodGet && strings.Contains(p, "/fine_tuning/jobs/") &&
		!strings.HasSuffix(p, "/events") && !strings.HasSuffix(p, "/checkpoints") {
		g.mu.Lock()
		g.polls++
		hold := g.polls == g.limit+1
		wait := g.polls > g.limit
		g.mu.Unlock()
		if hold {
			close(g.held)
		}
		if wait {
			select {
			case <-g.open:
			case <-r.Context().Done():
				return
			}
		}
	}
	g.proxy.ServeHTTP(w, r)
}

// lines reads r line by line into a channel, closed at EOF, and keeps everything read.
type lines struct {
	mu  sync.Mutex
	buf strings.Builder
	ch  chan string
}

func readLines(r io.Reader) *lines {
	l := &lines{ch: make(chan string, 1024)}
	go func() {
		defer close(l.ch)
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			l.mu.Lock()
			l.buf.WriteString(sc.Text() + "\n")
			l.mu.Unlock()
			select {
			case l.ch <- sc.Text():
			default:
			}
		}
	}()
	return l
}

func (l *lines) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}
