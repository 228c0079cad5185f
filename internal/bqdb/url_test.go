package bqdb

import (
	"errors"
	"math/big"
	"testing"
	"time"

	"cloud.google.com/go/civil"
)

func TestParseURL(t *testing.T) {
	for _, c := range []struct {
		in, str, endpoint string
		loopback, service bool
	}{
		{"bigquery://127.0.0.1:9050/p/d", "bigquery://127.0.0.1:9050/p/d", "http://127.0.0.1:9050", true, false},
		{"bigquery://localhost:9050/my-project/northwind/", "bigquery://localhost:9050/my-project/northwind", "http://localhost:9050", true, false},
		{"bigquery://[::1]:9050/p/d", "bigquery://[::1]:9050/p/d", "http://[::1]:9050", true, false},
		{"bigquery://bq.example.com:8443/p/d", "bigquery://bq.example.com:8443/p/d", "https://bq.example.com:8443", false, false},
		{"bigquery:///p/d", "bigquery:///p/d", "", false, true},
		{"BigQuery://bigquery.googleapis.com/p/d", "bigquery:///p/d", "", false, true},
	} {
		r, err := ParseURL(c.in)
		if err != nil {
			t.Errorf("%s: %v", c.in, err)
			continue
		}
		if r.String() != c.str || r.Endpoint() != c.endpoint || r.Loopback() != c.loopback || r.Service() != c.service {
			t.Errorf("%s: got %s endpoint %q loopback %v service %v", c.in, r, r.Endpoint(), r.Loopback(), r.Service())
		}
	}
	for _, bad := range []string{"postgres://x/y", "bigquery://h:1/p", "bigquery://h:1/p/d/e", "bigquery://h/p/d",
		"bigquery://u:pw@h:1/p/d", "bigquery://h:1/p/d?x=1", "bigquery://h:1//d"} {
		if _, err := ParseURL(bad); !errors.Is(err, ErrBadURL) {
			t.Errorf("%s: err = %v, want ErrBadURL", bad, err)
		}
	}
}

func TestConvert(t *testing.T) {
	ts := time.Date(2023, 5, 17, 10, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		in   any
		want any
	}{
		{nil, nil}, {int64(3), int64(3)}, {2.5, 2.5}, {true, true}, {"x", "x"},
		{civil.Date{Year: 2023, Month: 5, Day: 7}, "2023-05-07"},
		{civil.DateTime{Date: civil.Date{Year: 2023, Month: 5, Day: 7}, Time: civil.Time{Hour: 1}}, "2023-05-07T01:00:00"},
		{ts, "2023-05-17 10:00:00+00"},
		{big.NewRat(10, 1), int64(10)},
		{big.NewRat(5, 2), 2.5},
	} {
		if got := Convert(c.in); got != c.want {
			t.Errorf("Convert(%v) = %#v, want %#v", c.in, got, c.want)
		}
	}
	if got := Convert([]byte("ab")); string(got.([]byte)) != "ab" {
		t.Errorf("bytes: %v", got)
	}
}

func TestQuoteIdent(t *testing.T) {
	if got := QuoteIdent("Order Details"); got != "`Order Details`" {
		t.Error(got)
	}
	if got := QuoteIdent("a`b"); got != "`a\\`b`" {
		t.Error(got)
	}
}
