package serve

import (
	"fmt"
	"strings"

	"github.com/sqlforge/sqlforge/internal/sqlparse"
)

// heavyFunctions allocate memory in one call that a query timeout cannot interrupt
// (SELECT randomblob(1000000000) ran 14 s past a 200 ms timeout): the server refuses them.
var heavyFunctions = map[string]bool{"randomblob": true, "zeroblob": true}

// guard accepts sql for execution: sqlparse.IsReadOnly (one SELECT/WITH statement, no
// writing, schema, PRAGMA, ATTACH or file functions) and no heavyFunctions call.
func guard(sql string) error {
	if err := sqlparse.IsReadOnly(sql); err != nil {
		return err
	}
	toks, err := sqlparse.Tokenize(sql)
	if err != nil {
		return err
	}
	for i, t := range toks {
		if t.Kind == sqlparse.Ident && heavyFunctions[strings.ToLower(t.Text)] && i+1 < len(toks) && toks[i+1].Text == "(" {
			return fmt.Errorf("%w: %s() may exhaust memory", sqlparse.ErrNotReadOnly, t.Text)
		}
	}
	return nil
}
