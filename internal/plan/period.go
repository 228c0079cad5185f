package plan

import (
	"fmt"
	"regexp"
	"strconv"
	"time"
)

// Period kinds.
const (
	Year    = "year"
	Quarter = "quarter"
	Half    = "half"
	Month   = "month"
	Day     = "day"
)

// Period is a calendar period as a half-open range of days [Start, End).
type Period struct {
	Kind       string
	Start, End time.Time
}

var periodRE = regexp.MustCompile(`^(\d{4})(?:-(Q[1-4]|H[12]|\d{2})(?:-(\d{2}))?)?$`)

// ParsePeriod reads YYYY, YYYY-Qn, YYYY-Hn, YYYY-MM or YYYY-MM-DD.
func ParsePeriod(s string) (Period, error) {
	m := periodRE.FindStringSubmatch(s)
	if m == nil {
		return Period{}, fmt.Errorf("expected a period (2024, 2024-Q3, 2024-H1, 2024-03 or 2024-03-15), found %q", s)
	}
	y, _ := strconv.Atoi(m[1])
	if y < 1000 {
		return Period{}, fmt.Errorf("year %q out of range", m[1])
	}
	date := func(mo, d int) time.Time { return time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC) }
	switch {
	case m[2] == "":
		return Period{Year, date(1, 1), date(1, 1).AddDate(1, 0, 0)}, nil
	case m[2][0] == 'Q':
		q := int(m[2][1] - '0')
		s := date(3*(q-1)+1, 1)
		return Period{Quarter, s, s.AddDate(0, 3, 0)}, nil
	case m[2][0] == 'H':
		h := int(m[2][1] - '0')
		s := date(6*(h-1)+1, 1)
		return Period{Half, s, s.AddDate(0, 6, 0)}, nil
	}
	mo, _ := strconv.Atoi(m[2])
	if mo < 1 || mo > 12 {
		return Period{}, fmt.Errorf("month %q out of range in %q", m[2], s)
	}
	if m[3] == "" {
		s := date(mo, 1)
		return Period{Month, s, s.AddDate(0, 1, 0)}, nil
	}
	d, _ := strconv.Atoi(m[3])
	t := date(mo, d)
	if d < 1 || t.Month() != time.Month(mo) {
		return Period{}, fmt.Errorf("day %q out of range in %q", m[3], s)
	}
	return Period{Day, t, t.AddDate(0, 0, 1)}, nil
}

// Range returns the window's half-open range of days. latest is the data's latest date, the
// anchor of "the last N units" (the unit holding latest and the N-1 before it).
func (w *Window) Range(latest time.Time) (from, to time.Time, err error) {
	if w.Last > 0 {
		var start time.Time
		y, mo := latest.Year(), int(latest.Month())
		switch w.Unit {
		case "years":
			start = time.Date(y-w.Last+1, 1, 1, 0, 0, 0, 0, time.UTC)
			to = time.Date(y+1, 1, 1, 0, 0, 0, 0, time.UTC)
		case "quarters":
			q0 := time.Date(y, time.Month(3*((mo-1)/3)+1), 1, 0, 0, 0, 0, time.UTC)
			start, to = q0.AddDate(0, -3*(w.Last-1), 0), q0.AddDate(0, 3, 0)
		case "months":
			m0 := time.Date(y, time.Month(mo), 1, 0, 0, 0, 0, time.UTC)
			start, to = m0.AddDate(0, -(w.Last-1), 0), m0.AddDate(0, 1, 0)
		default:
			return from, to, fmt.Errorf("unknown unit %q (years, quarters or months)", w.Unit)
		}
		return start, to, nil
	}
	a, err := ParsePeriod(w.From)
	if err != nil {
		return from, to, err
	}
	if w.To == "" {
		return a.Start, a.End, nil
	}
	b, err := ParsePeriod(w.To)
	if err != nil {
		return from, to, err
	}
	return a.Start, b.End, nil
}

// DayString formats t as YYYY-MM-DD.
func DayString(t time.Time) string { return t.Format("2006-01-02") }
