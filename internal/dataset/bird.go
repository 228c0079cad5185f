package dataset

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// BIRD's difficulty classes, easiest first.
var BIRDDifficulties = []string{"simple", "moderate", "challenging"}

// BIRDItem is one question of BIRD (dev.json, mini_dev_sqlite.json or
// train.json): the record, with the evidence in Record.Evidence and the
// db_id in Record.DB, and BIRD's own fields.
type BIRDItem struct {
	Record
	// QuestionID is BIRD's question_id, or -1 when the file has none
	// (train.json).
	QuestionID int
	// Difficulty is simple, moderate or challenging ("" when the file has
	// none).
	Difficulty string
}

// birdExample is one element of BIRD's questions file.
type birdExample struct {
	QuestionID *int    `json:"question_id"`
	DBID       string  `json:"db_id"`
	Question   string  `json:"question"`
	Evidence   string  `json:"evidence"`
	SQL        *string `json:"SQL"`
	Difficulty string  `json:"difficulty"`
}

// ImportBIRDFiles imports BIRD from path: the questions file (dev.json) or a
// directory holding dev.json. Databases are not opened; they lie at
// DIR/dev_databases/<db_id>/<db_id>.sqlite (see BIRDDatabase).
func ImportBIRDFiles(ctx context.Context, path string, opts ReadOptions) ([]BIRDItem, ReadReport, error) {
	dev := path
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		dev = filepath.Join(path, "dev.json")
	}
	data, err := os.ReadFile(dev)
	if err != nil {
		return nil, ReadReport{}, fmt.Errorf("import bird: %w", err)
	}
	return ImportBIRD(ctx, data, dev, opts)
}

// BIRDDatabase is the SQLite file of db_id in a BIRD directory.
func BIRDDatabase(dir, dbID string) string {
	return filepath.Join(dir, "dev_databases", dbID, dbID+".sqlite")
}

// ImportBIRD imports BIRD questions: data is a JSON array of {question_id,
// db_id, question, evidence, SQL, difficulty}; name is used in errors. A
// db_id must be usable as a folder name (it selects the database file), and a
// difficulty, when given, one of BIRDDifficulties.
func ImportBIRD(ctx context.Context, data []byte, name string, opts ReadOptions) ([]BIRDItem, ReadReport, error) {
	var rep ReadReport
	var items []BIRDItem
	err := eachArrayItem(ctx, data, name, opts, &rep, func(line int, raw []byte) error {
		var ex birdExample
		if err := json.Unmarshal(raw, &ex); err != nil { // BIRD files carry other fields too
			f, e := jsonFieldError(err)
			return &LineError{File: name, Line: line, Field: f, Err: e}
		}
		switch {
		case ex.DBID == "":
			return &LineError{File: name, Line: line, Field: "db_id", Err: fmt.Errorf("missing")}
		case !safeDBID(ex.DBID):
			return &LineError{File: name, Line: line, Field: "db_id", Err: fmt.Errorf("%q is not a database folder name", ex.DBID)}
		case strings.TrimSpace(ex.Question) == "":
			return &LineError{File: name, Line: line, Field: "question", Err: fmt.Errorf("missing")}
		case ex.SQL == nil || strings.TrimSpace(*ex.SQL) == "":
			return &LineError{File: name, Line: line, Field: "SQL", Err: fmt.Errorf("missing")}
		case ex.Difficulty != "" && !isBIRDDifficulty(ex.Difficulty):
			return &LineError{File: name, Line: line, Field: "difficulty",
				Err: fmt.Errorf("%q is not one of %s", ex.Difficulty, strings.Join(BIRDDifficulties, ", "))}
		case ex.QuestionID != nil && *ex.QuestionID < 0:
			return &LineError{File: name, Line: line, Field: "question_id", Err: fmt.Errorf("%d is negative", *ex.QuestionID)}
		}
		it := BIRDItem{QuestionID: -1, Difficulty: ex.Difficulty,
			Record: Record{Question: ex.Question, SQL: *ex.SQL, DB: ex.DBID, Evidence: strings.TrimSpace(ex.Evidence)}}
		if ex.QuestionID != nil {
			it.QuestionID = *ex.QuestionID
		}
		if err := finish(&it.Record, "import:bird", name, line, "question", "SQL"); err != nil {
			return err
		}
		items = append(items, it)
		return nil
	})
	return items, rep, err
}

// safeDBID reports whether id names one folder: no separators, not . or ..,
// no control characters.
func safeDBID(id string) bool {
	if id == "." || id == ".." || strings.ContainsAny(id, `/\:`) {
		return false
	}
	for _, c := range id {
		if c < 0x20 || c == 0x7f {
			return false
		}
	}
	return true
}

func isBIRDDifficulty(d string) bool {
	for _, x := range BIRDDifficulties {
		if d == x {
			return true
		}
	}
	return false
}
