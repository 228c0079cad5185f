package sqlparse

import "testing"

// Queries from Spider's dev set (concert_singer, pets_1, ...) with the
// counts (c1, c2, others) evaluation.py's rules give them, worked by hand,
// and the resulting hardness.
var spiderDevCases = []struct {
	sql    string
	counts Counts
	want   string
}{
	{"SELECT count(*) FROM singer", Counts{0, 0, 0}, Easy},
	{"SELECT name ,  country ,  age FROM singer ORDER BY age DESC", Counts{1, 0, 1}, Medium},
	{"SELECT avg(age) ,  min(age) ,  max(age) FROM singer WHERE country  =  'France'", Counts{1, 0, 2}, Medium},
	{"SELECT song_name ,  song_release_year FROM singer ORDER BY age LIMIT 1", Counts{2, 0, 1}, Medium},
	{"SELECT DISTINCT country FROM singer WHERE age  >  20", Counts{1, 0, 0}, Easy},
	{"SELECT country ,  count(*) FROM singer GROUP BY country", Counts{1, 0, 1}, Medium},
	{"SELECT song_name FROM singer WHERE age  >  (SELECT avg(age) FROM singer)", Counts{1, 1, 0}, Hard},
	{"SELECT T2.name ,  T2.capacity FROM concert AS T1 JOIN stadium AS T2 ON T1.stadium_id  =  T2.stadium_id WHERE T1.year  >=  2014 GROUP BY T2.stadium_id ORDER BY count(*) DESC LIMIT 1", Counts{5, 0, 1}, Extra},
	{"SELECT count(*) FROM concert WHERE YEAR  =  2014 OR YEAR  =  2015", Counts{2, 0, 1}, Medium},
	{"SELECT country FROM singer WHERE age  >  40 INTERSECT SELECT country FROM singer WHERE age  <  30", Counts{1, 1, 0}, Hard},
	{"SELECT name FROM stadium WHERE stadium_id NOT IN (SELECT stadium_id FROM concert)", Counts{1, 1, 0}, Hard},
	{"SELECT name FROM stadium EXCEPT SELECT T2.name FROM concert AS T1 JOIN stadium AS T2 ON T1.stadium_id  =  T2.stadium_id WHERE T1.year  =  2014", Counts{0, 1, 0}, Hard},
	{"SELECT T2.concert_name ,  T2.theme ,  count(*) FROM singer_in_concert AS T1 JOIN concert AS T2 ON T1.concert_id  =  T2.concert_id GROUP BY T2.concert_id", Counts{2, 0, 1}, Medium},
	{"SELECT T2.name FROM singer_in_concert AS T1 JOIN singer AS T2 ON T1.singer_id  =  T2.singer_id JOIN concert AS T3 ON T1.concert_id  =  T3.concert_id WHERE T3.year  =  2014", Counts{3, 0, 0}, Hard},
	{"SELECT name ,  country FROM singer WHERE song_name LIKE '%Hey%'", Counts{2, 0, 1}, Medium},
	{"SELECT count(*) FROM pets WHERE weight  >  10", Counts{1, 0, 0}, Easy},
	{"SELECT max(weight) ,  petType FROM pets GROUP BY petType", Counts{1, 0, 1}, Medium},
	{"SELECT count(*) FROM Student WHERE stuid NOT IN (SELECT stuid FROM Has_allergy)", Counts{1, 1, 1}, Extra},
	{"SELECT T1.fname ,  T1.age FROM student AS T1 JOIN has_pet AS T2 ON T1.stuid  =  T2.stuid JOIN pets AS T3 ON T3.petid  =  T2.petid WHERE T3.pettype  =  'dog' AND T1.stuid NOT IN (SELECT T1.stuid FROM student AS T1 JOIN has_pet AS T2 ON T1.stuid  =  T2.stuid JOIN pets AS T3 ON T3.petid  =  T2.petid WHERE T3.pettype  =  'cat')", Counts{3, 1, 2}, Extra},
	{"SELECT avg(age) ,  max(age) FROM dogs", Counts{0, 0, 2}, Medium},
	{"SELECT count(*) FROM (SELECT * FROM endowment WHERE amount  >  8.5 GROUP BY school_id HAVING count(*)  >  1)", Counts{0, 0, 0}, Easy},
}

func TestHardnessSpiderDev(t *testing.T) {
	for _, tc := range spiderDevCases {
		gotCounts, err := HardnessCounts(tc.sql)
		if err != nil {
			t.Errorf("HardnessCounts(%q): %v", tc.sql, err)
			continue
		}
		if gotCounts != tc.counts {
			t.Errorf("HardnessCounts(%q) = %v, want %v", tc.sql, gotCounts, tc.counts)
		}
		got, err := Hardness(tc.sql)
		if err != nil || got != tc.want {
			t.Errorf("Hardness(%q) = %q, %v; want %q", tc.sql, got, err, tc.want)
		}
	}
}

// Queries beyond Spider's grammar: the deviations HardnessCounts documents.
func TestHardnessExtensions(t *testing.T) {
	tests := []struct {
		name, sql string
		counts    Counts
		want      string
	}{
		{"cte with window", "WITH m AS (SELECT strftime('%Y-%m', o.OrderDate) AS ym, SUM(od.UnitPrice*od.Quantity*(1-od.Discount)) AS rev FROM Orders o JOIN order_details od ON o.OrderID = od.OrderID GROUP BY ym) SELECT ym, rev, rev - LAG(rev) OVER (ORDER BY ym) FROM m ORDER BY ym",
			Counts{1, 1, 1}, Extra},
		{"single cte", "WITH t AS (SELECT CustomerID FROM Orders) SELECT count(*) FROM t", Counts{0, 1, 0}, Hard},
		{"rank window", "SELECT ProductName, RANK() OVER (PARTITION BY CategoryID ORDER BY UnitPrice DESC) AS r FROM Products", Counts{0, 0, 1}, Medium},
		{"windowed sum is an aggregate", "SELECT SUM(Freight) OVER (), COUNT(*) OVER () FROM Orders", Counts{0, 0, 2}, Medium},
		{"round of sum", "SELECT ROUND(SUM(Freight), 2), AVG(Freight) FROM Orders", Counts{0, 0, 2}, Medium},
		{"case bucket", "SELECT CASE WHEN UnitPrice > 50 THEN 'high' ELSE 'low' END AS b, COUNT(*) FROM Products GROUP BY b", Counts{1, 0, 1}, Medium},
		{"case with aggregate", "SELECT CASE WHEN SUM(x) > 1 THEN 1 ELSE 0 END, MAX(y) FROM t", Counts{0, 0, 2}, Medium},
		{"not exists", "SELECT CompanyName FROM Customers c WHERE NOT EXISTS (SELECT 1 FROM Orders o WHERE o.CustomerID = c.CustomerID)", Counts{1, 1, 0}, Hard},
		{"exists with and", "SELECT a FROM t WHERE EXISTS (SELECT 1 FROM u) AND b = 1", Counts{1, 1, 1}, Extra},
		{"scalar subquery in select", "SELECT a, (SELECT max(b) FROM u) FROM t", Counts{0, 1, 1}, Extra},
		{"parenthesised or", "SELECT a FROM t WHERE (b = 1 OR b = 2) AND c LIKE 'x%'", Counts{3, 0, 1}, Hard},
		{"union with order on last part", "SELECT a FROM t UNION SELECT b FROM u ORDER BY 1 LIMIT 3", Counts{0, 1, 0}, Hard},
		{"having connectors count as aggregates", "SELECT a FROM t GROUP BY a HAVING count(*) > 1 AND sum(b) > 2", Counts{1, 0, 0}, Easy},
		{"order by ratio of aggregates", "SELECT a FROM t GROUP BY a ORDER BY sum(b) / count(*) DESC", Counts{2, 0, 1}, Medium},
		{"comma join", "SELECT t.a FROM t, u WHERE t.id = u.id", Counts{2, 0, 0}, Medium},
		{"from subquery is a table unit", "SELECT x FROM (SELECT a AS x FROM t) s JOIN u ON s.x = u.x", Counts{1, 0, 0}, Easy},
		{"nullif julianday cast", "SELECT AVG(julianday(ShippedDate) - julianday(OrderDate)), CAST(COUNT(*) AS REAL) / NULLIF(COUNT(DISTINCT CustomerID), 0) FROM Orders WHERE ShippedDate IS NOT NULL", Counts{1, 0, 2}, Medium},
		{"in subquery in having", "SELECT a FROM t GROUP BY a HAVING count(*) > (SELECT avg(c) FROM u)", Counts{1, 1, 0}, Hard},
		{"bracket identifiers", "SELECT [Order Details].Quantity FROM [Order Details]", Counts{0, 0, 0}, Easy},
		{"two having conditions", "SELECT name FROM people WHERE age > 30 GROUP BY name HAVING count(*) > 1 AND max(age) < 50", Counts{2, 0, 0}, Medium},
		{"limit offset comma", "SELECT a FROM t ORDER BY a LIMIT 5, 10", Counts{2, 0, 0}, Medium},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := HardnessCounts(tc.sql)
			if err != nil {
				t.Fatalf("HardnessCounts: %v", err)
			}
			if got != tc.counts {
				t.Errorf("HardnessCounts = %v, want %v", got, tc.counts)
			}
			if h := got.Hardness(); h != tc.want {
				t.Errorf("hardness = %q, want %q", h, tc.want)
			}
		})
	}
}

func TestHardnessThresholds(t *testing.T) {
	tests := []struct {
		c    Counts
		want string
	}{
		{Counts{1, 0, 0}, Easy}, {Counts{2, 0, 0}, Medium}, {Counts{0, 0, 2}, Medium},
		{Counts{2, 0, 2}, Extra}, {Counts{0, 0, 3}, Hard}, {Counts{3, 0, 2}, Hard},
		{Counts{1, 1, 0}, Hard}, {Counts{4, 0, 0}, Extra}, {Counts{3, 0, 3}, Extra},
		{Counts{0, 2, 0}, Extra}, {Counts{2, 1, 0}, Extra}, {Counts{1, 1, 1}, Extra},
	}
	for _, tc := range tests {
		if got := tc.c.Hardness(); got != tc.want {
			t.Errorf("%v.Hardness() = %q, want %q", tc.c, got, tc.want)
		}
	}
}

func TestHardnessErrors(t *testing.T) {
	for _, sql := range []string{"", "SELECT", "SELECT 1; SELECT 2", "DELETE FROM t", "SELECT 'x"} {
		if got, err := Hardness(sql); err == nil {
			t.Errorf("Hardness(%q) = %q, nil; want an error", sql, got)
		}
	}
}
