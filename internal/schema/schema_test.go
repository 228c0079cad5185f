package schema

import (
	"context"
	"database/sql"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sqlforge/sqlforge/internal/sampledb"
	_ "modernc.org/sqlite"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// northwind introspects the embedded Northwind database.
func northwind(t *testing.T) *Schema {
	t.Helper()
	// The embedded file itself (package database imports this one, through bqdb).
	b, err := sampledb.Bytes("northwind")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "northwind.db")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s, err := Introspect(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if d := cmp.Diff(got, string(want)); d != "" {
		t.Errorf("%s differs (-got +want):\n%s", name, d)
	}
}

func TestNorthwindGolden(t *testing.T) {
	s := northwind(t)
	golden(t, "northwind.create.sql", CreateTable(s, CreateOptions{}))
	golden(t, "northwind.create_samples.sql", CreateTable(s, CreateOptions{Samples: true, Views: true}))
	golden(t, "northwind.create_nokeys.sql", CreateTable(s, CreateOptions{NoKeys: true, Tables: []string{"orders", "Customers", "nope"}}))
	golden(t, "northwind.compact.txt", Compact(s))
	j, err := JSON(s)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "northwind.json", string(j))
}

func TestNorthwindModel(t *testing.T) {
	s := northwind(t)
	od := s.Table("ORDER_DETAILS")
	if od == nil || od.Kind != "table" || od.RowCount < 8000 {
		t.Fatalf("order_details = %+v", od)
	}
	if got := strings.Join(od.PrimaryKey, ","); got != "OrderID,ProductID" {
		t.Errorf("order_details primary key %s", got)
	}
	if c := od.Column("discount"); c == nil || c.Type != "REAL" || !c.NotNull || c.Default == nil || *c.Default != "0" {
		t.Errorf("order_details.Discount = %+v", c)
	}
	if v := s.Table("order details"); v == nil || v.Kind != "view" || len(v.Columns) != 5 {
		t.Errorf(`"Order Details" = %+v`, v)
	}
	orders := s.Table("Orders")
	var refs []string
	for _, fk := range orders.ForeignKeys {
		refs = append(refs, strings.Join(fk.Columns, ",")+"->"+fk.RefTable+"."+strings.Join(fk.RefColumns, ","))
	}
	if got := strings.Join(refs, " "); got != "CustomerID->Customers.CustomerID EmployeeID->Employees.EmployeeID ShipVia->Shippers.ShipperID" {
		t.Errorf("Orders foreign keys: %s", got)
	}
	if c := s.Table("Categories").Column("Picture"); c == nil || len(c.Samples) != 0 {
		t.Errorf("BLOB column has samples: %+v", c)
	}
	if c := orders.Column("OrderDate"); len(c.Samples) != 3 {
		t.Errorf("OrderDate samples %v", c.Samples)
	} else if _, ok := c.Samples[0].(string); !ok {
		t.Errorf("OrderDate sample %T, want the stored text", c.Samples[0])
	}
	if s.Table("sqlite_stat1") != nil || s.Table("nope") != nil || orders.Column("nope") != nil {
		t.Error("found a table or column that should not be there")
	}
	for _, c := range s.Table("Employees").Column("Notes").Samples {
		if n := len([]rune(c.(string))); n > 41 {
			t.Errorf("sample not truncated: %d characters", n)
		}
	}
}

func TestSelect(t *testing.T) {
	s := northwind(t)
	sub, err := s.Select([]string{"customers", " Orders"})
	if err != nil {
		t.Fatal(err)
	}
	if len(sub.Tables) != 2 || sub.Tables[0].Name != "Customers" || sub.Tables[1].Name != "Orders" {
		t.Errorf("Select = %v", sub.Tables)
	}
	if _, err := s.Select([]string{"Orders", "Ordres"}); err == nil || !strings.Contains(err.Error(), `"Ordres"`) {
		t.Errorf("Select unknown: %v", err)
	}
}

// TestHash: the hash ignores data and follows structure.
func TestHash(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "h.db")
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	exec := func(q string) {
		t.Helper()
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	hash := func() string {
		t.Helper()
		s, err := Introspect(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		return s.Hash()
	}
	exec(`CREATE TABLE a (id INTEGER PRIMARY KEY, name TEXT)`)
	h1 := hash()
	exec(`INSERT INTO a VALUES (1, 'x')`)
	if h2 := hash(); h2 != h1 {
		t.Error("hash changed with data")
	}
	exec(`CREATE TABLE b (id INTEGER PRIMARY KEY, a_id REFERENCES a)`)
	h3 := hash()
	if h3 == h1 {
		t.Error("hash did not change with a new table")
	}
	exec(`ALTER TABLE a ADD COLUMN extra REAL`)
	if hash() == h3 {
		t.Error("hash did not change with a new column")
	}
}

// TestOddSchema covers names that need quoting, untyped columns, implicit
// foreign-key targets, composite keys, odd text and an empty table.
func TestOddSchema(t *testing.T) {
	ctx := context.Background()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "odd.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, err = db.Exec(`
		CREATE TABLE "my table" ("the id" INTEGER PRIMARY KEY, "select" TEXT, untyped, blob_col BLOB);
		CREATE TABLE child (x, y, PRIMARY KEY (x, y), FOREIGN KEY (x) REFERENCES "my table");
		CREATE TABLE empty (a TEXT);
		INSERT INTO "my table" VALUES (1, 'it''s' || char(10) || 'two lines', 2.5, x'00ff'), (2, 'it''s' || char(10) || 'two lines', x'0102', NULL),
		  (3, cast(x'e9e8' AS TEXT), 'a', NULL);`)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Introspect(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	got := CreateTable(s, CreateOptions{Samples: true}) + "\n" + Compact(s)
	golden(t, "odd.txt", got)
	if fk := s.Table("child").ForeignKeys; len(fk) != 1 || fk[0].RefColumns[0] != "the id" {
		t.Errorf("implicit foreign key target: %+v", fk)
	}
	j, err := JSON(s)
	if err != nil {
		t.Fatal(err)
	}
	var back Schema
	if err := json.Unmarshal(j, &back); err != nil || back.Hash() != s.Hash() {
		t.Errorf("JSON round trip: %v, hash %s vs %s", err, back.Hash(), s.Hash())
	}
}
