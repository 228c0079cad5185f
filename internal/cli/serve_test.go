package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestServePrintsReadyWhenItAnswers: serve's first line on stdout is "ready" with the URL,
// printed once the model is loaded and the server answers; a request sent right after it is
// answered, and cancelling the context stops the server with exit status 0.
func TestServePrintsReadyWhenItAnswers(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("HOME", t.TempDir())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	exit := make(chan int, 1)
	go func() {
		defer pw.Close()
		exit <- Run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--gen-size", "100", "--currency", "EUR", "--quiet"}, nil, pw, io.Discard)
	}()
	lines := bufio.NewScanner(pr)
	if !lines.Scan() {
		t.Fatalf("serve printed nothing and exited %d", <-exit)
	}
	first := lines.Text()
	go io.Copy(io.Discard, pr)
	i := strings.Index(first, "http://127.0.0.1:")
	if !strings.HasPrefix(first, "ready") || i < 0 {
		t.Fatalf("first line %q, want ready and the URL", first)
	}
	url := strings.Fields(first[i:])[0]
	resp, err := http.Get(url + "/readyz")
	if err != nil {
		t.Fatalf("GET %s/readyz right after %q: %v", url, first, err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET /readyz: %s", resp.Status)
	}
	// --currency reaches the catalog the page formats numbers with
	resp, err = http.Get(url + "/catalog")
	if err != nil {
		t.Fatal(err)
	}
	var cat struct{ Currency string }
	if err := json.NewDecoder(resp.Body).Decode(&cat); err != nil || cat.Currency != "EUR" {
		t.Errorf("GET /catalog: currency %q (%v), want EUR from --currency", cat.Currency, err)
	}
	resp.Body.Close()
	cancel()
	if code := <-exit; code != 0 {
		t.Errorf("exit %d after cancel, want 0", code)
	}
}
