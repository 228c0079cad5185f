// Package browsertest drives headless Chromium for the tests of the web page (internal/serve)
// and the HTML report (internal/report): finding the browser, running it once (a DOM dump,
// a screenshot), a DevTools-protocol driver that types and clicks as a person does (Browser),
// and the one folder screenshots go to. Like net/http/httptest it is imported only by tests.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// Chromium returns the path of the chromium binary, or skips the test when there is none.
func Chromium(t testing.TB) string {
	t.Helper()
	bin, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium not installed")
	}
	return bin
}

// Flags are the command-line flags every run starts with: headless, no sandbox, GPU,
// network chatter or first-run pages, and a fresh profile in a temporary folder.
func Flags(t testing.TB) []string {
	return []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--no-first-run", "--user-data-dir=" + t.TempDir()}
}

// Run runs bin once with Flags and args (e.g. --dump-dom URL) and returns its standard
// output; a failure or a minute without an end fails the test.
func Run(t testing.TB, bin string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, append(Flags(t), args...)...).Output()
	if err != nil {
		t.Fatalf("chromium: %v", err)
	}
	return string(out)
}

// ScreenshotDir is where tests write screenshots: $SQLFORGE_SCREENSHOTS, else
// out/screenshots at the repository root (ignored by git), made when missing.
func ScreenshotDir(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("SQLFORGE_SCREENSHOTS")
	if dir == "" {
		root, err := repoRoot()
		if err != nil {
			t.Fatal(err)
		}
		dir = filepath.Join(root, "out", "screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// repoRoot is the nearest folder above the working directory (a test's package) that
// holds go.mod.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", os.ErrNotExist
		}
		dir = parent
	}
}
