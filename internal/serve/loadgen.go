package serve

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync"
	"time"
)

// load is a closed-loop HTTP/1.1 load generator in the manner of wrk: each of its
// connections sends a request, reads the whole response and sends the next one, over
// one keep-alive TCP connection. It writes pre-built request bytes and parses only the
// status line and Content-Length, so that on a small machine the client takes as little
// of the CPU the server is measured on as it can.
type load struct {
	addr string
	// requests are complete HTTP requests; connection i sends requests[(i+k) % len] on
	// its k-th round.
	requests [][]byte
	conns    int
}

// loadStats is what a load run observed.
type loadStats struct {
	latencies []time.Duration // one per successful (2xx) response
	errors    int             // non-2xx responses and connection failures
	elapsed   time.Duration
	statuses  map[int]int
}

// httpRequest builds a POST request with a JSON body.
func httpRequest(host, path, key string, body []byte) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n", path, host, len(body))
	if key != "" {
		fmt.Fprintf(&b, "Authorization: Bearer %s\r\n", key)
	}
	b.WriteString("\r\n")
	b.Write(body)
	return b.Bytes()
}

// run drives the server until d has passed or ctx is done.
func (l *load) run(ctx context.Context, d time.Duration) (loadStats, error) {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	type result struct {
		lat      []time.Duration
		errs     int
		statuses map[int]int
		err      error
	}
	results := make([]result, l.conns)
	var wg sync.WaitGroup
	start := time.Now()
	for i := range l.conns {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			r := &results[i]
			r.statuses = map[int]int{}
			r.lat = make([]time.Duration, 0, 4096)
			r.err = l.conn(ctx, i, func(lat time.Duration, status int) {
				r.statuses[status]++
				if status/100 == 2 {
					r.lat = append(r.lat, lat)
				} else {
					r.errs++
				}
			})
		}(i)
	}
	wg.Wait()
	st := loadStats{elapsed: time.Since(start), statuses: map[int]int{}}
	var errs []error
	for _, r := range results {
		st.latencies = append(st.latencies, r.lat...)
		st.errors += r.errs
		for k, v := range r.statuses {
			st.statuses[k] += v
		}
		if r.err != nil {
			st.errors++
			errs = append(errs, r.err)
		}
	}
	if len(errs) == l.conns {
		return st, fmt.Errorf("load: every connection failed: %w", errs[0])
	}
	return st, nil
}

// conn runs one connection's loop, reporting each response to observe.
func (l *load) conn(ctx context.Context, i int, observe func(time.Duration, int)) error {
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", l.addr)
	if err != nil {
		return fmt.Errorf("dial %s: %w", l.addr, err)
	}
	defer c.Close()
	stop := context.AfterFunc(ctx, func() { _ = c.SetDeadline(time.Now()) })
	defer stop()
	br := bufio.NewReaderSize(c, 64<<10)
	for k := 0; ctx.Err() == nil; k++ {
		req := l.requests[(i+k)%len(l.requests)]
		t0 := time.Now()
		if _, err := c.Write(req); err != nil {
			return ignoreStop(ctx, fmt.Errorf("write request: %w", err))
		}
		status, err := readResponse(br)
		if err != nil {
			return ignoreStop(ctx, err)
		}
		observe(time.Since(t0), status)
	}
	return nil
}

// ignoreStop drops the error of a connection cut by the end of the run.
func ignoreStop(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return nil
	}
	return err
}

// readResponse reads one HTTP/1.1 response with a Content-Length body and returns its
// status code.
func readResponse(br *bufio.Reader) (int, error) {
	line, err := br.ReadSlice('\n')
	if err != nil {
		return 0, fmt.Errorf("read status line: %w", err)
	}
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.1 ")) {
		return 0, fmt.Errorf("bad status line %q", line)
	}
	status, err := strconv.Atoi(string(line[9:12]))
	if err != nil {
		return 0, fmt.Errorf("bad status line %q", line)
	}
	length, chunked := -1, false
	for {
		h, err := br.ReadSlice('\n')
		if err != nil {
			return 0, fmt.Errorf("read header: %w", err)
		}
		h = bytes.TrimRight(h, "\r\n")
		if len(h) == 0 {
			break
		}
		name, value, ok := bytes.Cut(h, []byte(":"))
		if ok && bytes.EqualFold(name, []byte("Content-Length")) {
			if length, err = strconv.Atoi(string(bytes.TrimSpace(value))); err != nil {
				return 0, fmt.Errorf("bad Content-Length %q", value)
			}
		}
		if ok && bytes.EqualFold(name, []byte("Transfer-Encoding")) && bytes.Contains(value, []byte("chunked")) {
			chunked = true
		}
	}
	if chunked {
		return status, readChunked(br)
	}
	if length < 0 {
		return 0, errors.New("response without Content-Length")
	}
	if _, err := br.Discard(length); err != nil {
		return 0, fmt.Errorf("read body: %w", err)
	}
	return status, nil
}

// readChunked discards a chunked body and its trailer.
func readChunked(br *bufio.Reader) error {
	for {
		line, err := br.ReadSlice('\n')
		if err != nil {
			return fmt.Errorf("read chunk size: %w", err)
		}
		size, _, _ := bytes.Cut(bytes.TrimRight(line, "\r\n"), []byte(";"))
		n, err := strconv.ParseInt(string(size), 16, 64)
		if err != nil {
			return fmt.Errorf("bad chunk size %q", line)
		}
		if n == 0 {
			for { // trailer, up to the blank line
				t, err := br.ReadSlice('\n')
				if err != nil {
					return fmt.Errorf("read trailer: %w", err)
				}
				if len(bytes.TrimRight(t, "\r\n")) == 0 {
					return nil
				}
			}
		}
		if _, err := br.Discard(int(n) + 2); err != nil {
			return fmt.Errorf("read chunk: %w", err)
		}
	}
}
