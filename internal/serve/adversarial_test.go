package serve

import (
	"strings"
	"testing"

	"github.com/sqlforge/sqlforge/internal/model"
)

// adversarial statements a model might return; none may change the database.
var adversarial = []string{
	"DROP TABLE Customers",
	"DROP TABLE IF EXISTS Orders",
	"DELETE FROM Orders",
	"DELETE FROM Customers WHERE 1=1",
	"UPDATE Products SET UnitPrice = 0",
	"UPDATE Employees SET LastName = 'x' WHERE EmployeeID = 1",
	"INSERT INTO Categories (CategoryName) VALUES ('evil')",
	"INSERT INTO Shippers SELECT * FROM Shippers",
	"REPLACE INTO Shippers (ShipperID, CompanyName) VALUES (1, 'x')",
	"INSERT OR REPLACE INTO Shippers (ShipperID, CompanyName) VALUES (1, 'x')",
	"UPSERT INTO Shippers VALUES (1)",
	"CREATE TABLE evil (x)",
	"CREATE TEMP TABLE t AS SELECT * FROM Orders",
	"CREATE INDEX i ON Orders (Freight)",
	"CREATE VIEW v AS SELECT 1",
	"CREATE TRIGGER t AFTER INSERT ON Orders BEGIN DELETE FROM Orders; END",
	"ALTER TABLE Orders ADD COLUMN evil TEXT",
	"ALTER TABLE Orders RENAME TO o2",
	"ATTACH DATABASE '/tmp/evil.db' AS evil",
	"ATTACH '/tmp/evil.db' AS evil",
	"DETACH DATABASE main",
	"PRAGMA writable_schema = ON",
	"PRAGMA journal_mode = DELETE",
	"PRAGMA user_version = 7",
	"PRAGMA query_only = 0",
	"VACUUM",
	"VACUUM INTO '/tmp/copy.db'",
	"REINDEX",
	"ANALYZE",
	"BEGIN; DELETE FROM Orders; COMMIT",
	"SELECT 1; DROP TABLE Customers",
	"SELECT * FROM Orders; DELETE FROM Orders",
	"SELECT 1;DELETE FROM Orders;",
	"SELECT 1 -- comment\n; DROP TABLE Orders",
	"/* harmless */ DELETE FROM Orders",
	"SELECT 1 /* ; */ ; UPDATE Products SET UnitPrice = 1",
	"-- SELECT\nDELETE FROM Orders",
	"WITH x AS (SELECT 1) DELETE FROM Orders",
	"WITH x AS (SELECT 1) UPDATE Products SET UnitPrice = 0",
	"WITH x AS (SELECT 1) INSERT INTO Categories (CategoryName) SELECT 'e' FROM x",
	"WITH d AS (DELETE FROM Orders RETURNING *) SELECT * FROM d",
	"SELECT load_extension('/tmp/evil.so')",
	"SELECT writefile('/tmp/evil.txt', 'x')",
	"SELECT readfile('/etc/passwd')",
	"SELECT edit('x', 'vi')",
	"SELECT fts3_tokenizer('simple')",
	"SELECT * FROM sqlite_dbpage",
	"SELECT * INTO backup FROM Orders",
	"SAVEPOINT s; DELETE FROM Orders; RELEASE s",
	"ROLLBACK",
	"COMMIT",
	"EXPLAIN DELETE FROM Orders",
	"DELETE FROM Orders RETURNING *",
	"UPDATE Orders SET Freight = Freight RETURNING OrderID",
	"SELECT 1 UNION SELECT 2; DROP TABLE Orders",
	"select 1; drop table orders",
	"SeLeCt 1; DeLeTe FrOm Orders",
	"SELECT (SELECT 1); INSERT INTO Shippers (CompanyName) VALUES ('x')",
	"```sql\nDROP TABLE Customers;\n```",
	"Here is the query:\nDELETE FROM Orders;",
	"###final_sql_query:\nUPDATE Products SET UnitPrice = 0\n###END",
	"SELECT * FROM Orders WHERE 1=1 OR (SELECT 1); PRAGMA writable_schema=1",
	"SELECT randomblob(1000000000)",
	"SELECT length(zeroblob(2000000000))",
	"WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r",
}

// TestAdversarialStatementsLeaveDatabaseUnchanged sends every statement through the API's
// execute path: each is refused by the guard or runs read-only, and the database file is
// byte-identical afterwards.
func TestAdversarialStatementsLeaveDatabaseUnchanged(t *testing.T) {
	if len(adversarial) < 50 {
		t.Fatalf("only %d adversarial statements", len(adversarial))
	}
	f := newFixture(t, Config{}, ServiceConfig{QueryTimeout: 200e6, CacheSize: -1})
	before := fileHash(t, f.dbPath)
	refused := 0
	for _, stmt := range adversarial {
		f.backend.set(func(model.Request) (string, error) { return stmt, nil })
		status, resp, errResp := f.post(t, GenerateRequest{Question: "anything", Execute: true}, nil)
		switch {
		case status != 200:
			// no SQL in the answer at all: nothing ran
			if errResp.Error.Code != CodeNoSQL {
				t.Errorf("%q: status %d %+v", stmt, status, errResp)
			}
			refused++
		case resp.Columns != nil && !guardAccepts(resp):
			t.Errorf("%q: executed %q although the guard refused it", stmt, resp.SQL)
		case !guardAccepts(resp):
			refused++
			if resp.Confidence != 0 {
				t.Errorf("%q: refused but confidence %v", stmt, resp.Confidence)
			}
		}
	}
	if after := fileHash(t, f.dbPath); after != before {
		t.Fatalf("database file changed: sha256 %s → %s", before, after)
	}
	t.Logf("%d statements, %d refused or without SQL, the rest reduced to a SELECT by extraction and run read-only; file unchanged", len(adversarial), refused)
	if refused < 45 {
		t.Errorf("only %d of %d refused", refused, len(adversarial))
	}
}

func guardAccepts(r GenerateResponse) bool {
	for _, w := range r.Warnings {
		if strings.HasPrefix(w, "refused by the read-only guard") {
			return false
		}
	}
	return true
}
