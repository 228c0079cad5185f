package docstest

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	// The blocks run a sqlforge built by `go build`, which go test's cache does not see: linking
	// the CLI into this test makes a change to it (or anything it imports) rerun the docs.
	_ "github.com/sqlforge/sqlforge/internal/cli"
	"github.com/sqlforge/sqlforge/internal/datagen/llm/llmtest"
	"github.com/sqlforge/sqlforge/internal/model/openaitest"
	"github.com/sqlforge/sqlforge/internal/train/fttest"
)

// repoRoot is the repository root, two folders above this package.
const repoRoot = "../.."

// docFiles are the Markdown files whose shell blocks run: README.md and docs/*.md.
func docFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(repoRoot, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	return append([]string{filepath.Join(repoRoot, "README.md")}, files...)
}

// TestDocsParse checks every Markdown file's fences and markers (fast; it runs with -short too).
func TestDocsParse(t *testing.T) {
	for _, f := range docFiles(t) {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range HiddenCommands(src) {
			t.Errorf("%s:%d: a command in an indented block, which the docs test does not run: fence it as ```sh", rel(f), n)
		}
		blocks, err := Parse(rel(f), src)
		if err != nil {
			t.Error(err)
			continue
		}
		for _, b := range blocks {
			if _, err := b.Script(); err != nil {
				t.Error(err)
			}
		}
	}
}

func rel(f string) string { return strings.TrimPrefix(filepath.ToSlash(f), "../../") }

// TestDocsRun runs every shell block of README.md and docs/*.md as written, in order, each
// file in its own temporary folder, with a freshly built sqlforge first on PATH and the cloud
// APIs (OpenAI, Azure OpenAI, Ollama, any OpenAI-compatible URL) answered by the in-repo
// loopback contract servers. It lists every skipped, omitted and resized command.
func TestDocsRun(t *testing.T) {
	if testing.Short() {
		t.Skip("runs every documented command (minutes); not with -short")
	}
	for _, tool := range []string{"bash", "curl", "jq"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("the documented commands need %s, which is not installed (.ci/run installs it)", tool)
		}
	}
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "bin")
	start := time.Now()
	build := exec.Command(goTool(), "build", "-o", filepath.Join(bin, "sqlforge"), "./cmd/sqlforge")
	build.Dir = repoRoot
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build -o sqlforge ./cmd/sqlforge: %v\n%s", err, out)
	}
	t.Logf("go build -o sqlforge ./cmd/sqlforge: %.1f s", time.Since(start).Seconds())
	write(t, filepath.Join(bin, "go"), goShim, 0o755)
	prelude := filepath.Join(tmp, "prelude.sh")
	write(t, prelude, Prelude, 0o644)
	env := docsEnv(t, tmp, bin)

	var notes []string
	for _, f := range docFiles(t) {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		name := rel(f)
		blocks, err := Parse(name, src)
		if err != nil {
			t.Fatal(err)
		}
		if len(blocks) == 0 {
			continue
		}
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(tmp, "work", strings.ReplaceAll(name, "/", "_"))
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			// a copy of the repository's inputs the docs name by relative path, as from its
			// root (a copy: a documented command may write there, as gen --out data/ does)
			for _, in := range []string{"data", "testdata", "ontologies", "models"} {
				if err := os.CopyFS(filepath.Join(dir, in), os.DirFS(filepath.Join(repoRoot, in))); err != nil {
					t.Fatal(err)
				}
			}
			for _, b := range blocks {
				where := fmt.Sprintf("%s:%d", b.File, b.Line)
				if b.Skip != "" {
					notes = append(notes, fmt.Sprintf("%s: skipped: %s", where, b.Skip))
					continue
				}
				if strings.Contains(strings.Join(b.Text, "\n"), "SQLFORGE_TEST_POSTGRES_URL") && os.Getenv("SQLFORGE_TEST_POSTGRES_URL") == "" {
					notes = append(notes, fmt.Sprintf("%s: skipped: no PostgreSQL server here (SQLFORGE_TEST_POSTGRES_URL is not set; .ci/run sets it)", where))
					continue
				}
				for _, o := range b.Omits {
					notes = append(notes, fmt.Sprintf("%s: omitted %q: %s", where, o.Text, o.Reason))
				}
				for _, s := range b.Subs {
					notes = append(notes, fmt.Sprintf("%s: ran with %q for %q", where, s.New, s.Old))
				}
				if !runBlock(t, b, dir, prelude, env) {
					return // later blocks build on this one's output
				}
			}
		})
	}
	t.Logf("all blocks: %.1f s; not run as written:\n  %s", time.Since(start).Seconds(), strings.Join(notes, "\n  "))
}

// runBlock runs one block in dir and reports whether it succeeded.
func runBlock(t *testing.T, b Block, dir, prelude string, env []string) bool {
	t.Helper()
	text, err := b.Script()
	if err != nil {
		t.Error(err)
		return false
	}
	script := filepath.Join(dir, fmt.Sprintf(".docs-test-%d.sh", b.Line))
	write(t, script, "source "+prelude+"\n"+text, 0o644)
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", script)
	cmd.Dir = dir
	cmd.Env = append(env, "DOCS_FILE="+b.File, fmt.Sprintf("DOCS_LINE=%d", b.Line))
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.WaitDelay = 10 * time.Second
	start := time.Now()
	err = cmd.Run()
	took := time.Since(start).Seconds()
	if err != nil {
		t.Errorf("%s:%d: %v after %.1f s; the last lines of its output:\n%s", b.File, b.Line, err, took, tail(out.String(), 40))
		return false
	}
	t.Logf("%s:%d: ok, %.1f s", b.File, b.Line, took)
	return true
}

// goShim stands in for the go command inside the blocks, whose folder is not the repository:
// it answers the two go commands the docs show with what the test already did from the
// repository root (`go build -o sqlforge ./cmd/sqlforge`) or its result.
const goShim = `#!/usr/bin/env bash
# docs test: the go commands of the docs, against the binary the test built from the repository
case "$*" in
  "build -o sqlforge ./cmd/sqlforge") cp "$(dirname "$0")/sqlforge" sqlforge ;;
  "run ./cmd/sqlforge "*) shift 2; exec "$(dirname "$0")/sqlforge" "$@" ;;
  *) echo "docs test: go $*: not a command the docs test knows (mark the block, docs/architecture.md)" >&2; exit 127 ;;
esac
`

// docsEnv is the environment of every block: the built binary first on PATH, a private home,
// cache and state folder, and the cloud endpoints on loopback contract servers.
func docsEnv(t *testing.T, tmp, bin string) []string {
	t.Helper()
	llm := openaitest.New(t) // chat completions and embeddings, OpenAI's and Azure's paths
	llm.Reply = (&llmtest.Script{}).Reply
	ft := fttest.New(t, "docs-key") // files, uploads, fine-tuning jobs
	ft.Script = fttest.Script{End: "succeeded", Epochs: 1}
	chat, _ := url.Parse(llm.URL)
	jobs, _ := url.Parse(ft.URL)
	toChat, toJobs := httputil.NewSingleHostReverseProxy(chat), httputil.NewSingleHostReverseProxy(jobs)
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/chat/completions") || strings.HasSuffix(r.URL.Path, "/embeddings") {
			toChat.ServeHTTP(w, r)
			return
		}
		toJobs.ServeHTTP(w, r)
	}))
	t.Cleanup(front.Close)
	home := filepath.Join(tmp, "home")
	pg := privatePostgres(t)
	set := map[string]string{
		"PATH":                      bin + string(os.PathListSeparator) + os.Getenv("PATH"),
		"HOME":                      home,
		"XDG_CACHE_HOME":            filepath.Join(home, ".cache"),
		"XDG_STATE_HOME":            filepath.Join(home, ".local", "state"),
		"XDG_CONFIG_HOME":           filepath.Join(home, ".config"),
		"TMPDIR":                    filepath.Join(tmp, "tmp"),
		"OPENAI_API_KEY":            "docs-key",
		"OPENAI_BASE_URL":           front.URL + "/v1",
		"AZURE_OPENAI_ENDPOINT":     front.URL,
		"AZURE_OPENAI_API_KEY":      "docs-key",
		"OLLAMA_HOST":               front.URL,
		"SQLFORGE_DOCS_LLM_URL":     front.URL + "/v1",
		"SQLFORGE_AZURE_ALLOW_HTTP": "1",
	}
	if pg != "" {
		set["SQLFORGE_TEST_POSTGRES_URL"] = pg
	}
	for _, d := range []string{home, set["TMPDIR"]} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if _, ok := set[k]; ok || strings.HasPrefix(k, "AZURE_") || strings.HasPrefix(k, "OPENAI_") || k == "SQLFORGE_API_KEYS" {
			continue
		}
		env = append(env, kv)
	}
	for k, v := range set {
		env = append(env, k+"="+v)
	}
	return env
}

// privatePostgres gives the blocks a schema of their own on the server CI's PostgreSQL tests
// share (SQLFORGE_TEST_POSTGRES_URL): the URL with search_path set to a fresh schema, dropped
// at the end. It returns "" where no server is named.
func privatePostgres(t *testing.T) string {
	t.Helper()
	base := os.Getenv("SQLFORGE_TEST_POSTGRES_URL")
	if base == "" {
		return ""
	}
	schema := fmt.Sprintf("docs_%d", time.Now().UnixNano())
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, base)
		if err != nil {
			t.Logf("drop schema %s: %v", schema, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP SCHEMA IF EXISTS "+schema+" CASCADE"); err != nil {
			t.Logf("drop schema %s: %v", schema, err)
		}
	})
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	return base + sep + "search_path=" + schema
}

func goTool() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	return filepath.Join(os.Getenv("GOROOT"), "bin", "go")
}

func write(t *testing.T, path, text string, mode os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), mode); err != nil {
		t.Fatal(err)
	}
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
