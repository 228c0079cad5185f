package bqdb

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"
)

// TestPingRefused: a server that refuses connections is reported at once, by address (the
// client library alone retries it without end).
func TestPingRefused(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	r, err := ParseURL("bigquery://" + addr + "/p/d")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	d, err := OpenDataset(ctx, r)
	if err == nil {
		d.Close()
		t.Fatal("OpenDataset on a closed port: no error")
	}
	if !strings.Contains(err.Error(), "bigquery server "+addr+" does not answer") {
		t.Errorf("error %q does not name the server", err)
	}
	if ctx.Err() != nil {
		t.Errorf("OpenDataset waited for the test's deadline: %v", err)
	}
}
