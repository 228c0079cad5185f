package eval

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/sqlforge/sqlforge/internal/dataset"
	"github.com/sqlforge/sqlforge/internal/eval/spider"
	"github.com/sqlforge/sqlforge/internal/sqlparse"
)

// Item is one question to evaluate, in dataset order.
type Item struct {
	// Index is the 0-based position in the dataset.
	Index int
	// ID is the record's stable ID.
	ID string
	// Question and Gold are the question and the gold SQL.
	Question, Gold string
	// Evidence is BIRD's external knowledge, if any.
	Evidence string
	// DB is the database the item runs on: a name known to package database
	// ("northwind"), a SQLite path (Spider items), or "" for the run's
	// default database.
	DB string
	// Context is the item's own CREATE TABLE context, if it carries one.
	Context string
	// NoDB marks items with no database (sql-create-context): they run on an
	// empty in-memory database built from Context, so execution scores do
	// not apply.
	NoDB bool
	// Hardness is Spider's class of the gold query; for spider:DIR items it
	// is left to the run, which takes it from the official evaluator's parse.
	Hardness string
	// Difficulty is BIRD's class of the question (simple, moderate,
	// challenging), for BIRD items.
	Difficulty string
	// Spider is the item's database in Spider's tables.json (spider:DIR
	// data): exact-set match then follows the official evaluator, foreign
	// keys included (package spider).
	Spider *spider.DB
}

// Data formats Load understands, as prefixes of the reference.
const (
	DataRecords          = "records"
	DataSeed             = "seed"
	DataSpider           = "spider"
	DataSQLCreateContext = "sql-create-context"
	DataBIRD             = "bird"
)

// Load reads the items a data reference names:
//
//	FILE or records:FILE          sqlforge JSONL records
//	seed:FILE                     the seed's test records (user, sql_result)
//	spider:DIR                    DIR/dev.json, DIR/tables.json, DIR/database/<db_id>/<db_id>.sqlite
//	sql-create-context:FILE       b-mc2/sql-create-context JSONL (no database)
//	bird:DIR                      DIR/dev.json, DIR/dev_databases/<db_id>/<db_id>.sqlite (with evidence)
//
// Errors about the input name the file, line and field.
func Load(ctx context.Context, ref string) ([]Item, error) {
	kind, path := DataRecords, ref
	if k, p, ok := strings.Cut(ref, ":"); ok && knownData(k) {
		kind, path = k, p
	}
	var recs []dataset.Record
	var difficulty []string // BIRD's, parallel to recs
	var err error
	// Spider's tables.json is read for package spider while dev.json is read.
	var tables map[string]*spider.DB
	var tablesErr error
	tablesDone := make(chan struct{})
	if kind == DataSpider {
		go func() {
			defer close(tablesDone)
			tables, tablesErr = spider.ReadTables(filepath.Join(path, "tables.json"))
		}()
	} else {
		close(tablesDone)
	}
	switch kind {
	case DataRecords:
		recs, _, err = dataset.ReadFile(ctx, path, dataset.ReadOptions{})
	case DataSeed:
		recs, _, err = dataset.ImportFile(ctx, dataset.FromSeed, path, dataset.ReadOptions{})
	case DataSQLCreateContext:
		recs, _, err = dataset.ImportFile(ctx, dataset.FromSQLCreateContext, path, dataset.ReadOptions{})
	case DataSpider:
		recs, _, err = dataset.ImportSpiderFiles(ctx, filepath.Join(path, "dev.json"), dataset.ReadOptions{})
	case DataBIRD:
		var bird []dataset.BIRDItem
		bird, _, err = dataset.ImportBIRDFiles(ctx, filepath.Join(path, "dev.json"), dataset.ReadOptions{})
		for _, b := range bird {
			recs, difficulty = append(recs, b.Record), append(difficulty, b.Difficulty)
		}
	}
	<-tablesDone
	if err != nil {
		return nil, fmt.Errorf("load %s data: %w", kind, err)
	}
	if tablesErr != nil {
		return nil, fmt.Errorf("load spider data: %w", tablesErr)
	}
	items := make([]Item, len(recs))
	for i, r := range recs {
		it := Item{Index: i, ID: r.ID, Question: r.Question, Gold: r.SQL, Evidence: r.Evidence,
			DB: r.DB, Context: r.Context, Hardness: r.Hardness}
		switch kind {
		case DataSpider:
			it.DB = filepath.Join(path, "database", r.DB, r.DB+".sqlite")
			if _, err := os.Stat(it.DB); err != nil {
				return nil, fmt.Errorf("load spider data: item %d (%q): database %q: %w", i, r.DB, r.DB, err)
			}
			it.Spider = tables[r.DB] // ImportSpider has checked that every db_id is in tables.json
		case DataBIRD:
			it.Difficulty = difficulty[i]
			it.DB = dataset.BIRDDatabase(path, r.DB)
			if _, err := os.Stat(it.DB); err != nil {
				return nil, fmt.Errorf("load bird data: item %d (%q): database %q: %w", i, r.DB, r.DB, err)
			}
		case DataSQLCreateContext:
			it.NoDB = true
		}
		if it.Hardness == "" && it.Spider == nil { // Spider's is the official parse's, in the run
			it.Hardness, _ = sqlparse.Hardness(it.Gold)
		}
		items[i] = it
	}
	return items, nil
}

func knownData(k string) bool {
	switch k {
	case DataRecords, DataSeed, DataSpider, DataSQLCreateContext, DataBIRD:
		return true
	}
	return false
}
