// Package bqdb opens BigQuery datasets for sqlforge: it parses bigquery:// database
// references, makes clients of the official Go library (cloud.google.com/go/bigquery)
// for a local BigQuery-API-compatible server (goccy/bigquery-emulator) or the real
// service, registers a read-only database/sql driver over that client, and reads a
// dataset's schema through the API.
//
// A reference is
//
//	bigquery://HOST:PORT/PROJECT/DATASET      a server at http://HOST:PORT (the emulator)
//	bigquery:///PROJECT/DATASET               the real service (bigquery.googleapis.com)
//	bigquery://bigquery.googleapis.com/PROJECT/DATASET   the same
//
// A loopback host (127.0.0.1, ::1, localhost) is spoken to over plain HTTP without
// authentication; any other host over HTTPS with the credentials the client library
// finds in the environment (Application Default Credentials: GOOGLE_APPLICATION_CREDENTIALS,
// gcloud's user credentials, or the metadata server).
package bqdb

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"

	"cloud.google.com/go/bigquery"
	"google.golang.org/api/option"
)

// Scheme starts every BigQuery database reference.
const Scheme = "bigquery://"

// ServiceHost is the real service's host name.
const ServiceHost = "bigquery.googleapis.com"

// IsURL reports whether ref is a bigquery:// reference.
func IsURL(ref string) bool { return strings.HasPrefix(strings.ToLower(ref), Scheme) }

// Ref is a parsed bigquery:// reference.
type Ref struct {
	// Host and Port name the server; both are empty for the real service.
	Host, Port string
	// Project and Dataset name the dataset whose tables unqualified names mean.
	Project, Dataset string
}

// ErrBadURL is wrapped by ParseURL's errors.
var ErrBadURL = errors.New("bad bigquery URL")

// ParseURL parses a bigquery:// reference (see the package comment).
func ParseURL(ref string) (Ref, error) {
	if !IsURL(ref) {
		return Ref{}, fmt.Errorf("%w %q: want bigquery://HOST:PORT/PROJECT/DATASET", ErrBadURL, ref)
	}
	u, err := url.Parse(ref)
	if err != nil {
		return Ref{}, fmt.Errorf("%w: %v", ErrBadURL, err)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return Ref{}, fmt.Errorf("%w %q: no user, query or fragment allowed (credentials come from the environment)", ErrBadURL, ref)
	}
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	if len(parts) != 2 || parts[0] == "" || parts[1] == "" {
		return Ref{}, fmt.Errorf("%w %q: want bigquery://HOST:PORT/PROJECT/DATASET", ErrBadURL, ref)
	}
	r := Ref{Host: u.Hostname(), Port: u.Port(), Project: parts[0], Dataset: parts[1]}
	if strings.EqualFold(r.Host, ServiceHost) && (r.Port == "" || r.Port == "443") {
		r.Host, r.Port = "", ""
	}
	if r.Host != "" && r.Port == "" {
		return Ref{}, fmt.Errorf("%w %q: a server needs a port (bigquery://HOST:PORT/PROJECT/DATASET)", ErrBadURL, ref)
	}
	return r, nil
}

// String writes the reference back: bigquery://HOST:PORT/PROJECT/DATASET, or
// bigquery:///PROJECT/DATASET for the real service.
func (r Ref) String() string {
	host := ""
	if r.Host != "" {
		host = net.JoinHostPort(r.Host, r.Port)
	}
	return Scheme + host + "/" + r.Project + "/" + r.Dataset
}

// Service reports whether the reference names the real service.
func (r Ref) Service() bool { return r.Host == "" }

// Loopback reports whether the server is on this machine.
func (r Ref) Loopback() bool {
	if r.Host == "" {
		return false
	}
	if strings.EqualFold(r.Host, "localhost") {
		return true
	}
	ip := net.ParseIP(r.Host)
	return ip != nil && ip.IsLoopback()
}

// Endpoint is the REST endpoint the client talks to ("" for the library's default).
func (r Ref) Endpoint() string {
	switch {
	case r.Service():
		return ""
	case r.Loopback():
		return "http://" + net.JoinHostPort(r.Host, r.Port)
	}
	return "https://" + net.JoinHostPort(r.Host, r.Port)
}

// NewClient makes a client for the reference's project: for a loopback server the
// endpoint http://HOST:PORT without authentication, otherwise the credentials the
// library finds in the environment. extra options come last.
func NewClient(ctx context.Context, r Ref, extra ...option.ClientOption) (*bigquery.Client, error) {
	var opts []option.ClientOption
	if ep := r.Endpoint(); ep != "" {
		opts = append(opts, option.WithEndpoint(ep))
	}
	if r.Loopback() {
		opts = append(opts, option.WithoutAuthentication())
	}
	opts = append(opts, extra...)
	c, err := bigquery.NewClient(ctx, r.Project, opts...)
	if err != nil {
		return nil, fmt.Errorf("bigquery client for %s: %w", r, err)
	}
	return c, nil
}
