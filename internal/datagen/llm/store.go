package llm

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
)

// Store is the pipeline's memory on disk, in one directory:
//
//   - responses.jsonl, the response cache: one line per model response, keyed by the hash of
//     the request (backend, messages and sampling parameters), so a re-run sends nothing that
//     was already answered;
//   - journal.jsonl, the journal of completed work units: one line per unit, keyed by the
//     hash of the unit's inputs, holding the unit's outcome, so a restarted run skips what a
//     killed one finished and generates nothing twice.
//
// Both files are append-only and every line is fsynced before the call that wrote it
// returns, so a kill loses at most the requests in flight. A torn last line (the process died
// while writing it) is ignored when the store is opened and overwritten by the next append.
// Responses hold model text only: no header, key or endpoint is ever written.
type Store struct {
	dir string

	mu        sync.Mutex
	responses map[string]cachedResponse
	units     map[string]json.RawMessage
	respFile  *os.File
	unitFile  *os.File
}

// cachedResponse is one line of responses.jsonl.
type cachedResponse struct {
	Key     string   `json:"key"`
	Model   string   `json:"model,omitempty"`
	Choices []string `json:"choices"`
	Usage   Tokens   `json:"usage"`
}

// journalEntry is one line of journal.jsonl.
type journalEntry struct {
	Unit string          `json:"unit"`
	Out  json.RawMessage `json:"out"`
}

// OpenStore opens (creating if needed) the store in dir and loads what earlier runs wrote.
func OpenStore(dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("open cache %s: %w", dir, err)
	}
	s := &Store{dir: dir, responses: map[string]cachedResponse{}, units: map[string]json.RawMessage{}}
	var err error
	if s.respFile, err = openLog(filepath.Join(dir, "responses.jsonl"), func(b []byte) error {
		var r cachedResponse
		if err := json.Unmarshal(b, &r); err != nil {
			return err
		}
		s.responses[r.Key] = r
		return nil
	}); err != nil {
		return nil, err
	}
	if s.unitFile, err = openLog(filepath.Join(dir, "journal.jsonl"), func(b []byte) error {
		var e journalEntry
		if err := json.Unmarshal(b, &e); err != nil {
			return err
		}
		s.units[e.Unit] = e.Out
		return nil
	}); err != nil {
		s.respFile.Close()
		return nil, err
	}
	return s, nil
}

// openLog reads the complete lines of an append-only log through load, truncates a torn
// last line away and returns the file opened for appending.
func openLog(path string, load func([]byte) error) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	r := bufio.NewReader(f)
	var good int64
	for line := 1; ; line++ {
		b, err := r.ReadBytes('\n')
		if errors.Is(err, io.EOF) {
			break // a torn (unterminated) last line, or nothing
		}
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("read %s: %w", path, err)
		}
		if len(bytes.TrimSpace(b)) > 0 {
			if err := load(b); err != nil {
				f.Close()
				return nil, fmt.Errorf("read %s line %d: %w", path, line, err)
			}
		}
		good += int64(len(b))
	}
	if err := f.Truncate(good); err != nil {
		f.Close()
		return nil, fmt.Errorf("truncate %s: %w", path, err)
	}
	if _, err := f.Seek(good, io.SeekStart); err != nil {
		f.Close()
		return nil, fmt.Errorf("seek %s: %w", path, err)
	}
	return f, nil
}

// Close closes the store's files.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return errors.Join(s.respFile.Close(), s.unitFile.Close())
}

// Dir is the store's directory.
func (s *Store) Dir() string { return s.dir }

// response returns the cached response for key.
func (s *Store) response(key string) (cachedResponse, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.responses[key]
	return r, ok
}

// putResponse appends r to the cache and fsyncs.
func (s *Store) putResponse(r cachedResponse) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := appendLine(s.respFile, r); err != nil {
		return fmt.Errorf("write response cache: %w", err)
	}
	s.responses[r.Key] = r
	return nil
}

// unit decodes the journaled outcome of unit into out; it reports whether there was one.
func (s *Store) unit(unit string, out any) (bool, error) {
	s.mu.Lock()
	raw, ok := s.units[unit]
	s.mu.Unlock()
	if !ok {
		return false, nil
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return false, fmt.Errorf("read journal unit %s: %w", unit, err)
	}
	return true, nil
}

// putUnit journals the outcome of unit and fsyncs.
func (s *Store) putUnit(unit string, out any) error {
	raw, err := json.Marshal(out)
	if err != nil {
		return fmt.Errorf("journal unit %s: %w", unit, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := appendLine(s.unitFile, journalEntry{Unit: unit, Out: raw}); err != nil {
		return fmt.Errorf("journal unit %s: %w", unit, err)
	}
	s.units[unit] = raw
	return nil
}

// Units is the number of journaled work units.
func (s *Store) Units() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.units)
}

func appendLine(f *os.File, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if _, err := f.Write(append(b, '\n')); err != nil {
		return err
	}
	return f.Sync()
}
