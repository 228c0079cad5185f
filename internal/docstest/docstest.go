// Package docstest reads the shell blocks of the project's Markdown documentation so that a test
// can run them as written: every fenced block tagged sh, bash, shell or console, with the
// docs-test markers placed right before it.
//
// A marker is an HTML comment on the lines just above the fence (invisible on the rendered page,
// visible in the source next to the command it changes):
//
//	<!-- docs-test: skip: REASON -->       the block is not run; REASON is listed in the test output
//	<!-- docs-test: omit: TEXT => REASON -->  the lines containing TEXT are not run
//	<!-- docs-test: sub: OLD => NEW -->    OLD is replaced by NEW before the block runs (a smaller
//	                                       size for CI, a loopback URL); OLD must occur
//
// Markers that match nothing are errors, so they cannot outlive the text they change.
// In a console block only the lines after a "$ " prompt run.
// Foreground `sqlforge serve` lines (no trailing &) are run by Script as serve_once: started,
// awaited on /readyz and stopped, as a reader would stop the server with Ctrl-C.
package docstest

import (
	"bufio"
	"bytes"
	_ "embed"
	"fmt"
	"regexp"
	"strings"
)

// Block is one runnable fenced block of a Markdown file.
type Block struct {
	// File is the Markdown file's path as given to Parse; Line is the line of the opening
	// fence (1-based), so the block's first line of text is Line+1.
	File string
	Line int
	// Lang is the fence's info string (sh, bash, shell, console).
	Lang string
	// Text is the block's content, one line per source line.
	Text []string
	// Skip, when set, is why the block is not run.
	Skip string
	// Subs and Omits are the markers that change the block before it runs.
	Subs  []Sub
	Omits []Omit
}

// Sub replaces Old by New in a block's text.
type Sub struct{ Old, New string }

// Omit drops the lines containing Text, for Reason.
type Omit struct{ Text, Reason string }

var shellLangs = map[string]bool{"sh": true, "bash": true, "shell": true, "console": true}

var marker = regexp.MustCompile(`^\s*<!--\s*docs-test:\s*(skip|omit|sub):\s*(.*?)\s*-->\s*$`)

// Parse returns the shell blocks of a Markdown file, with their markers. A docs-test marker
// that is not directly above a shell block, or that does not parse, is an error; so is a
// fenced block without an info string (every block says whether it is shell or text).
func Parse(file string, src []byte) ([]Block, error) {
	var (
		blocks  []Block
		pending []string // markers seen since the last non-marker line
		pendAt  int
		in      bool
		fence   string
		cur     *Block
	)
	sc := bufio.NewScanner(bytes.NewReader(src))
	sc.Buffer(nil, 1<<20)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		trim := strings.TrimSpace(line)
		if in {
			if strings.HasPrefix(trim, fence) && strings.Trim(trim, "`~") == "" {
				in = false
				if cur != nil {
					blocks = append(blocks, *cur)
					cur = nil
				}
				continue
			}
			if cur != nil {
				cur.Text = append(cur.Text, line)
			}
			continue
		}
		if strings.HasPrefix(trim, "```") || strings.HasPrefix(trim, "~~~") {
			fence = trim[:3]
			info := strings.TrimSpace(strings.TrimLeft(trim, "`~"))
			lang, _, _ := strings.Cut(info, " ")
			in = true
			if lang == "" {
				return nil, fmt.Errorf("%s:%d: a fenced block without a language: write ```sh for commands the docs test runs, ```text for anything else", file, n)
			}
			if !shellLangs[lang] {
				if len(pending) > 0 {
					return nil, fmt.Errorf("%s:%d: docs-test marker above a %s block, which is not run", file, pendAt, lang)
				}
				continue
			}
			b := Block{File: file, Line: n, Lang: lang}
			for _, m := range pending {
				if err := b.addMarker(m); err != nil {
					return nil, fmt.Errorf("%s:%d: %w", file, pendAt, err)
				}
			}
			pending = nil
			cur = &b
			continue
		}
		if strings.HasPrefix(trim, "<!--") && strings.Contains(trim, "docs-test:") {
			if !marker.MatchString(line) {
				return nil, fmt.Errorf("%s:%d: a docs-test marker reads <!-- docs-test: skip|omit|sub: ... -->", file, n)
			}
			if len(pending) == 0 {
				pendAt = n
			}
			pending = append(pending, line)
			continue
		}
		if len(pending) > 0 {
			return nil, fmt.Errorf("%s:%d: docs-test marker not directly above a shell block", file, pendAt)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading %s: %w", file, err)
	}
	if in {
		return nil, fmt.Errorf("%s: a fenced block is not closed", file)
	}
	if len(pending) > 0 {
		return nil, fmt.Errorf("%s:%d: docs-test marker not directly above a shell block", file, pendAt)
	}
	return blocks, nil
}

func (b *Block) addMarker(line string) error {
	m := marker.FindStringSubmatch(line)
	kind, arg := m[1], m[2]
	switch kind {
	case "skip":
		if arg == "" {
			return fmt.Errorf("docs-test skip needs a reason")
		}
		b.Skip = arg
	case "omit", "sub":
		l, r, ok := strings.Cut(arg, " => ")
		if !ok || strings.TrimSpace(l) == "" || strings.TrimSpace(r) == "" && kind == "omit" {
			return fmt.Errorf("docs-test %s reads %s: TEXT => %s", kind, kind, map[string]string{"omit": "REASON", "sub": "NEW"}[kind])
		}
		if kind == "omit" {
			b.Omits = append(b.Omits, Omit{Text: l, Reason: r})
		} else {
			b.Subs = append(b.Subs, Sub{Old: l, New: r})
		}
	}
	return nil
}

// foregroundServe matches a line that starts a server in the foreground: optional variable
// assignments, then (./)sqlforge serve, and no & at the end.
var foregroundServe = regexp.MustCompile(`^(\s*(?:[A-Z_][A-Z0-9_]*=\S*\s+)*)((?:\./)?sqlforge serve\b.*)$`)

// Script returns the block's text as it runs: markers applied (omitted lines become blank, so
// line numbers stay those of the file) and foreground serve lines prefixed with serve_once.
// An omit or sub that matches nothing is an error.
func (b Block) Script() (string, error) {
	text := strings.Join(b.Text, "\n")
	for _, s := range b.Subs {
		if !strings.Contains(text, s.Old) {
			return "", fmt.Errorf("%s:%d: docs-test sub: %q is not in the block", b.File, b.Line, s.Old)
		}
		text = strings.ReplaceAll(text, s.Old, s.New)
	}
	lines := strings.Split(text, "\n")
	if b.Lang == "console" { // "$ " lines are commands; the others show their output
		for i, l := range lines {
			if cmd, ok := strings.CutPrefix(l, "$ "); ok {
				lines[i] = cmd
			} else {
				lines[i] = ""
			}
		}
	}
	for _, o := range b.Omits {
		hit := false
		for i, l := range lines {
			if strings.Contains(l, o.Text) {
				lines[i], hit = "", true
				// a command continued on the next lines goes with it
				for j := i; j+1 < len(lines) && strings.HasSuffix(strings.TrimSpace(b.Text[j]), "\\"); j++ {
					lines[j+1] = ""
				}
			}
		}
		if !hit {
			return "", fmt.Errorf("%s:%d: docs-test omit: %q is not in the block", b.File, b.Line, o.Text)
		}
	}
	for i, l := range lines {
		code, _, _ := strings.Cut(l, " #")
		if m := foregroundServe.FindStringSubmatch(l); m != nil && !strings.HasSuffix(strings.TrimSpace(code), "&") {
			lines[i] = m[1] + "serve_once " + m[2]
		}
	}
	return strings.Join(lines, "\n") + "\n", nil
}

// Prelude is the shell text sourced before every block: strict mode (set -eo pipefail), the
// failing line reported against the Markdown file, background jobs stopped at the end, and
// serve_once.
//
//go:embed prelude.sh
var Prelude string

// placeholder matches what marks a command line as a synopsis rather than a command: options in
// brackets, alternatives, an ellipsis, or an upper-case placeholder word (FILE, NAME, JOB).
var placeholder = regexp.MustCompile(`[\[|]|\.\.\.|…|\b[A-Z][A-Z0-9_]{2,}\b`)

// HiddenCommands returns the lines of indented (4-space) code outside any fence that read as a
// runnable sqlforge or curl command, which the docs test would not run: such a command belongs in
// a fenced sh block (or, as a synopsis, shows its placeholders). A command continued with a
// trailing backslash is read whole.
func HiddenCommands(src []byte) []int {
	var out []int
	lines := strings.Split(string(src), "\n")
	in := false
	for i := 0; i < len(lines); i++ {
		trim := strings.TrimSpace(lines[i])
		if strings.HasPrefix(trim, "```") || strings.HasPrefix(trim, "~~~") {
			in = !in
			continue
		}
		if in || !(strings.HasPrefix(lines[i], "    ") || strings.HasPrefix(lines[i], "\t")) {
			continue
		}
		start, cmd := i+1, strings.TrimPrefix(trim, "./")
		for strings.HasSuffix(cmd, "\\") && i+1 < len(lines) {
			i++
			cmd = strings.TrimSuffix(cmd, "\\") + " " + strings.TrimSpace(lines[i])
		}
		code, _, _ := strings.Cut(cmd, " #")
		if (strings.HasPrefix(code, "sqlforge ") || strings.HasPrefix(code, "curl ")) &&
			!placeholder.MatchString(strings.ReplaceAll(code, "$SQLFORGE_", "$")) {
			out = append(out, start)
		}
	}
	return out
}
