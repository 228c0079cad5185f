package serve

import (
	"context"
	"net/http"
	"time"
)

// reqTrace collects what one request spent in the model and the database, for the server's trace hook.
type reqTrace struct{ model, db time.Duration }

type traceKey struct{}

// traced measures each request's time in the handler and tells s.trace, with the model
// time the service recorded in the request's context.
func (s *Server) traced(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		tr := &reqTrace{}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), traceKey{}, tr)))
		s.trace(time.Since(start), tr.model, tr.db)
	})
}

// recordModel adds d to the model time of the request traced in ctx, if any.
func recordModel(ctx context.Context, d time.Duration) {
	if tr, ok := ctx.Value(traceKey{}).(*reqTrace); ok {
		tr.model += d
	}
}

// recordDB adds d to the database time (checks and queries) of the request traced in ctx.
func recordDB(ctx context.Context, d time.Duration) {
	if tr, ok := ctx.Value(traceKey{}).(*reqTrace); ok {
		tr.db += d
	}
}
