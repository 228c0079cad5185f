package serve

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestBearerSchemeAndFailedAuthLimit(t *testing.T) {
	clock := &fakeClock{now: time.Unix(0, 0)}
	f := newFixture(t, Config{APIKeys: []string{"k1"}, RatePerSecond: 1, Burst: 3, now: clock.Now}, ServiceConfig{})
	q := GenerateRequest{Question: "q"}
	tests := []struct {
		header string
		want   int
	}{
		{"bearer k1", 200},
		{"BEARER k1", 200},
		{"Bearer  k1 ", 200},
		{"Basic k1", 401},
		{"Bearer wrong", 401},
		{"Bearer wrong", 401},
		{"Bearer wrong", 429}, // failed attempts share the client address's bucket
		{"Bearerk1", 429},
	}
	for i, tt := range tests {
		if got, _, e := f.post(t, q, map[string]string{"Authorization": tt.header}); got != tt.want {
			t.Errorf("%d: Authorization %q: status %d %+v, want %d", i, tt.header, got, e, tt.want)
		}
	}
}

func TestMethodNotAllowedCode(t *testing.T) {
	f := newFixture(t, Config{}, ServiceConfig{})
	res, err := http.Get(f.srv.URL + "/generate-sql")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var body ErrorResponse
	if err := decodeJSON(res, &body); err != nil || res.StatusCode != 405 || body.Error.Code != CodeMethodNotAllowed {
		t.Errorf("GET /generate-sql: %d %+v %v, want 405 %s", res.StatusCode, body, err, CodeMethodNotAllowed)
	}
}

// TestSlowBodyCut: a client that sends its headers and then stalls in the body is cut off
// by the read timeout instead of holding the connection.
func TestSlowBodyCut(t *testing.T) {
	f := newFixture(t, Config{}, ServiceConfig{})
	s, err := New(Config{Service: f.service(t), ReadTimeout: 50 * time.Millisecond, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewUnstartedServer(nil)
	hs.Config = s.HTTPServer()
	hs.Start()
	defer hs.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", hs.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(20 * time.Second))
	fmt.Fprintf(conn, "POST /generate-sql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"question\":")
	// the server answers (an error) or closes; either way the read ends well before the
	// 20 s safety deadline
	line, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil && !strings.Contains(err.Error(), "EOF") && !strings.Contains(err.Error(), "reset") {
		t.Fatalf("read: %v", err)
	}
	if strings.Contains(line, " 200 ") {
		t.Errorf("a stalled body was answered 200: %q", line)
	}
}
