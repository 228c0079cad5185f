package datagen

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"

	"github.com/sqlforge/sqlforge/internal/dialect"
)

// sampleValues returns up to n distinct non-empty values of a qualified column, the most
// frequent first and ties by value, so the order is the same on every run.
func sampleValues(ctx context.Context, db *sql.DB, d dialect.Dialect, col string, n int) ([]string, error) {
	t, c := splitCol(col)
	q := fmt.Sprintf("SELECT %[1]s, COUNT(*) AS n FROM %[2]s WHERE %[1]s IS NOT NULL AND %[1]s <> '' GROUP BY %[1]s ORDER BY n DESC, %[1]s %[3]s",
		d.Quote(c), d.Quote(t), d.Limit(n))
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("sample %s: %w", col, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v any
		var cnt int64
		if err := rows.Scan(&v, &cnt); err != nil {
			return nil, fmt.Errorf("sample %s: %w", col, err)
		}
		out = append(out, text(v))
	}
	return out, rows.Err()
}

// samplePeriods reads the years and months a date column covers.
func samplePeriods(ctx context.Context, db *sql.DB, d dialect.Dialect, col string) (*periods, error) {
	t, _ := splitCol(col)
	ym := d.YearMonth(col)
	q, err := dialect.Render(d, fmt.Sprintf("SELECT DISTINCT %s AS ym FROM %s WHERE %s IS NOT NULL ORDER BY ym", ym, d.Quote(t), col))
	if err != nil {
		return nil, fmt.Errorf("periods of %s: %w", col, err)
	}
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("periods of %s: %w", col, err)
	}
	defer rows.Close()
	p := &periods{col: col}
	for rows.Next() {
		var s sql.NullString
		if err := rows.Scan(&s); err != nil {
			return nil, fmt.Errorf("periods of %s: %w", col, err)
		}
		if len(s.String) != 7 {
			continue
		}
		p.months = append(p.months, s.String)
		y, err := strconv.Atoi(s.String[:4])
		if err == nil && (len(p.years) == 0 || p.years[len(p.years)-1] != y) {
			p.years = append(p.years, y)
		}
	}
	return p, rows.Err()
}

// groupValues returns (cached) the metric's value per value of dm, ascending; thresholds
// for HAVING and CASE buckets are chosen from them so that they cut the data.
func (w *world) groupValues(ctx context.Context, db *sql.DB, m *metric, dm *dim) ([]float64, error) {
	if v, ok := m.groups[dm.name]; ok {
		return v, nil
	}
	from, _, err := w.joins.from(w.d, append(append([]string{}, m.tables...), dm.table))
	if err != nil {
		return nil, err
	}
	q := fmt.Sprintf("SELECT %s AS v FROM %s GROUP BY %s ORDER BY v", m.formula, from, dm.col)
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("group values of %s by %s: %w", m.name, dm.name, err)
	}
	defer rows.Close()
	var out []float64
	for rows.Next() {
		var f sql.NullFloat64
		if err := rows.Scan(&f); err != nil {
			return nil, err
		}
		if f.Valid {
			out = append(out, f.Float64)
		}
	}
	m.groups[dm.name] = out
	return out, rows.Err()
}

// probe checks that q runs.
func probe(ctx context.Context, db *sql.DB, q string) error {
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
	}
	return rows.Err()
}

// text renders a scanned value as text.
func text(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case []byte:
		return string(x)
	case string:
		return x
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	default:
		return fmt.Sprint(x)
	}
}

// niceThreshold rounds v to a number people say: two significant digits.
func niceThreshold(v float64) string {
	if v <= 0 {
		return "0"
	}
	mag := 1.0
	for v/mag >= 100 {
		mag *= 10
	}
	for v/mag < 10 && mag > 0.001 {
		mag /= 10
	}
	r := float64(int64(v/mag+0.5)) * mag
	return strconv.FormatFloat(r, 'f', -1, 64)
}
