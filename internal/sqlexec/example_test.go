package sqlexec_test

import (
	"context"
	"fmt"
	"time"

	"github.com/sqlforge/sqlforge/internal/database"
	"github.com/sqlforge/sqlforge/internal/sqlexec"
)

// An executor runs one read-only query under the bounds of Options and returns canonical
// values; anything but a read-only statement is refused before it runs.
func Example() {
	ctx := context.Background()
	db, err := database.Open(ctx, "northwind")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer db.Close()
	ex := sqlexec.NewSQLite(db.DB)
	res, err := ex.Query(ctx, "SELECT Country, COUNT(*) AS n FROM Customers GROUP BY Country ORDER BY n DESC, Country",
		sqlexec.Options{Timeout: 5 * time.Second, MaxRows: 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Columns, len(res.Rows), "rows, truncated by", res.TruncatedBy)
	_, err = ex.Query(ctx, "DELETE FROM Customers", sqlexec.Options{})
	fmt.Println("delete refused:", err != nil, sqlexec.ErrorClass(err))
	// Output:
	// [Country n] 2 rows, truncated by rows
	// delete refused: true refused
}
