package datagen

import (
	"context"
	"strings"
	"testing"
	"time"
)

// slowQuery counts to a billion: seconds on any machine, far beyond the test's timeout.
const slowQuery = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000000) SELECT MAX(i) FROM n"

// TestQueryTimeout: a query running past the verifier's timeout is rejected as a timeout, a
// fast one after it still verifies, and maxTimeoutStreak timeouts in a row stop generation
// with an error that says so.
func TestQueryTimeout(t *testing.T) {
	db, _ := northwind(t)
	ctx := context.Background()
	v, err := newVerifier(ctx, db.DB, false, 50*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	defer v.close()
	slow := &candidate{sql: slowQuery, single: true}
	if r := v.verify(ctx, slow); r.reject != RejectTimeout {
		t.Fatalf("slow query: reject %q (%v), want %q", r.reject, r.err, RejectTimeout)
	}
	if r := v.verify(ctx, &candidate{sql: "SELECT COUNT(*) FROM Orders", single: true}); r.reject != "" {
		t.Fatalf("fast query after a timeout: reject %q (%v)", r.reject, r.err)
	}
	for i := 0; i < maxTimeoutStreak; i++ {
		if err := v.stopped(); err != nil {
			t.Fatalf("stopped after %d timeouts in a row: %v", i, err)
		}
		v.verify(ctx, slow)
	}
	err = v.stopped()
	if err == nil || !strings.Contains(err.Error(), "stopped answering") {
		t.Fatalf("after %d timeouts in a row: %v", maxTimeoutStreak, err)
	}
}
