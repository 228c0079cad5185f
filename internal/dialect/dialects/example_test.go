package dialects_test

import (
	"fmt"

	"github.com/sqlforge/sqlforge/internal/dialect/dialects"
)

// The same fragment in each engine's SQL: a quoted name, the year of a date and a date range.
func ExampleFor() {
	for _, name := range []string{"sqlite", "postgres", "bigquery"} {
		d, err := dialects.For(name)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Printf("%s: %s | %s | %s\n", d.Name(), d.Quote("Order Details"), d.Year("OrderDate"),
			d.InRange("OrderDate", "2023-01-01", "2024-01-01"))
	}
	_, err := dialects.For("oracle")
	fmt.Println(err)
	// Output:
	// sqlite: "Order Details" | CAST(strftime('%Y', OrderDate) AS INTEGER) | OrderDate >= '2023-01-01' AND OrderDate < '2024-01-01'
	// postgres: "Order Details" | CAST(date_part('year', CAST(OrderDate AS DATE)) AS INTEGER) | CAST(OrderDate AS DATE) >= CAST('2023-01-01' AS DATE) AND CAST(OrderDate AS DATE) < CAST('2024-01-01' AS DATE)
	// bigquery: `Order Details` | EXTRACT(YEAR FROM CAST(OrderDate AS DATE)) | CAST(OrderDate AS DATE) >= DATE '2023-01-01' AND CAST(OrderDate AS DATE) < DATE '2024-01-01'
	// unknown SQL dialect "oracle"
}
