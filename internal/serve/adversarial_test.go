package serve

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/sqlforge/sqlforge/internal/model"
)

// loadAdversarial reads the adversarial corpus (testdata/adversarial.jsonl: statements a
// model might return, none of which may change the database, create a file or exhaust
// memory), with {DIR} replaced by dir.
func loadAdversarial(t *testing.T, dir string) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "adversarial.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for i, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var stmt string
		if err := json.Unmarshal([]byte(line), &stmt); err != nil {
			t.Fatalf("testdata/adversarial.jsonl:%d: %v", i+1, err)
		}
		out = append(out, strings.ReplaceAll(stmt, "{DIR}", dir))
	}
	return out
}

// TestAdversarialStatementsLeaveDatabaseUnchanged sends every statement through the API's
// execute path: each is refused by the guard or runs read-only, the database file is
// byte-identical afterwards, no file is created, the heap stays bounded and the server
// still answers.
func TestAdversarialStatementsLeaveDatabaseUnchanged(t *testing.T) {
	dir := t.TempDir()
	adversarial := loadAdversarial(t, dir)
	if len(adversarial) < 50 {
		t.Fatalf("only %d adversarial statements", len(adversarial))
	}
	f := newFixture(t, Config{}, ServiceConfig{QueryTimeout: 200e6, CacheSize: -1})
	before := fileHash(t, f.dbPath)
	refused := 0
	for _, stmt := range adversarial {
		f.backend.set(func(model.Request) (string, error) { return stmt, nil })
		status, resp, errResp := f.post(t, GenerateRequest{Question: "anything", Execute: true}, nil)
		switch {
		case status != 200:
			// no SQL in the answer at all: nothing ran
			if errResp.Error.Code != CodeNoSQL {
				t.Errorf("%q: status %d %+v", stmt, status, errResp)
			}
			refused++
		case resp.Columns != nil && !guardAccepts(resp):
			t.Errorf("%q: executed %q although the guard refused it", stmt, resp.SQL)
		case !guardAccepts(resp):
			refused++
			if resp.Confidence != 0 {
				t.Errorf("%q: refused but confidence %v", stmt, resp.Confidence)
			}
		}
	}
	if after := fileHash(t, f.dbPath); after != before {
		t.Fatalf("database file changed: sha256 %s → %s", before, after)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("files created: %v", entries)
	}
	if heap := heapInUse(); heap > maxHeap {
		t.Errorf("heap in use %d MiB after the corpus, want under %d MiB", heap>>20, maxHeap>>20)
	}
	f.backend.set(func(model.Request) (string, error) { return "SELECT count(*) FROM Orders", nil })
	if status, resp, _ := f.post(t, GenerateRequest{Question: "how many orders", Execute: true}, nil); status != 200 || len(resp.Rows) != 1 {
		t.Errorf("server after the corpus: status %d, rows %v, warnings %v", status, resp.Rows, resp.Warnings)
	}
	t.Logf("%d statements, %d refused or without SQL, the rest reduced to a SELECT by extraction and run read-only; file unchanged", len(adversarial), refused)
	if refused < 45 {
		t.Errorf("only %d of %d refused", refused, len(adversarial))
	}
}

func guardAccepts(r GenerateResponse) bool {
	for _, w := range r.Warnings {
		if strings.HasPrefix(w, "refused by the read-only guard") {
			return false
		}
	}
	return true
}

// maxHeap is the heap the server may hold under hostile answers.
const maxHeap = 300 << 20

// heapInUse is the heap in use after a collection.
func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

// TestHugeCellsRefused: four answers that each build a 100 MB cell come back as execution
// failures naming the cell limit, each response well under 1 MiB, and nothing of them
// stays on the heap (the answer cache is on, bounded in bytes).
func TestHugeCellsRefused(t *testing.T) {
	f := newFixture(t, Config{}, ServiceConfig{QueryTimeout: 2e9})
	for i := range 4 {
		sql := fmt.Sprintf("SELECT printf('%%.*c', 100000000, '%c')", 'a'+i)
		f.backend.set(func(model.Request) (string, error) { return sql, nil })
		body, _ := json.Marshal(GenerateRequest{Question: fmt.Sprintf("big %d", i), Execute: true})
		res, err := f.srv.Client().Post(f.srv.URL+"/generate-sql", "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(res.Body)
		res.Body.Close()
		var resp GenerateResponse
		if err := json.Unmarshal(data, &resp); err != nil || res.StatusCode != 200 {
			t.Fatalf("status %d: %s", res.StatusCode, data)
		}
		if len(data) >= 1<<20 {
			t.Errorf("answer %d is %d bytes", i, len(data))
		}
		if resp.Rows != nil || !slices.ContainsFunc(resp.Warnings, func(w string) bool { return strings.Contains(w, "cell limit") }) {
			t.Errorf("answer %d: rows %d, warnings %v; want no rows and a warning naming the cell limit", i, len(resp.Rows), resp.Warnings)
		}
	}
	heap := heapInUse()
	t.Logf("heap in use afterwards: %.1f MiB", float64(heap)/(1<<20))
	if heap > maxHeap {
		t.Errorf("heap in use %d MiB, want under %d MiB", heap>>20, maxHeap>>20)
	}
}

// TestLongConversationIDs: 1,500 requests with 60 KB conversation ids are refused with a
// clear error and leave the heap bounded.
func TestLongConversationIDs(t *testing.T) {
	f := newFixture(t, Config{}, ServiceConfig{})
	id := strings.Repeat("c", 60<<10)
	for i := range 1500 {
		status, _, errResp := f.post(t, GenerateRequest{Question: "how many orders", ConversationID: fmt.Sprintf("%d-%s", i, id)}, nil)
		if status != 400 || !strings.Contains(errResp.Error.Message, "conversation_id is longer than") {
			t.Fatalf("request %d: status %d %+v", i, status, errResp)
		}
	}
	heap := heapInUse()
	t.Logf("heap in use afterwards: %.1f MiB", float64(heap)/(1<<20))
	if heap > maxHeap {
		t.Errorf("heap in use %d MiB, want under %d MiB", heap>>20, maxHeap>>20)
	}
}
