// Command bqsyntax checks that SQL parses as BigQuery's GoogleSQL, with bytebase/parser's
// ANTLR grammar (syntax only: names, types and functions are not resolved). It reads a file
// of statements one a line, "-- name" lines and blank lines between them — the format of
// internal/plan/compile/testdata/northwind.*.golden — and prints each statement that does
// not parse with the parser's messages, then the counts; it exits 1 when one does not parse.
//
// It is its own module so that sqlforge does not depend on the grammar (a 3.7 MB generated
// parser, about 3 minutes to build on two cores):
//
//	cd tools/bqsyntax && go run . ../../internal/plan/compile/testdata/northwind.bigquery.golden
package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"

	"github.com/antlr4-go/antlr/v4"
	googlesql "github.com/bytebase/parser/googlesql"
)

// errs collects the lexer's and parser's syntax errors.
type errs struct {
	*antlr.DefaultErrorListener
	msgs []string
}

func (l *errs) SyntaxError(_ antlr.Recognizer, _ any, line, col int, msg string, _ antlr.RecognitionException) {
	l.msgs = append(l.msgs, fmt.Sprintf("%d:%d %s", line, col, msg))
}

// check returns the syntax errors of one statement.
func check(sql string) []string {
	lex := googlesql.NewGoogleSQLLexer(antlr.NewInputStream(sql))
	p := googlesql.NewGoogleSQLParser(antlr.NewCommonTokenStream(lex, 0))
	e := &errs{DefaultErrorListener: antlr.NewDefaultErrorListener()}
	lex.RemoveErrorListeners()
	lex.AddErrorListener(e)
	p.RemoveErrorListeners()
	p.AddErrorListener(e)
	p.Root()
	return e.msgs
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: bqsyntax FILE")
		os.Exit(2)
	}
	f, err := os.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "bqsyntax:", err)
		os.Exit(2)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	name := ""
	ok, bad := 0, 0
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "-- "):
			name = line
		case strings.TrimSpace(line) == "":
		default:
			if msgs := check(line); len(msgs) > 0 {
				bad++
				fmt.Println(name, msgs)
			} else {
				ok++
			}
		}
	}
	if err := sc.Err(); err != nil {
		fmt.Fprintln(os.Stderr, "bqsyntax:", err)
		os.Exit(2)
	}
	fmt.Printf("%d parse, %d do not\n", ok, bad)
	if bad > 0 {
		os.Exit(1)
	}
}
