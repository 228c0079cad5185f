package cli

import (
	"sync"

	"github.com/sqlforge/sqlforge/internal/model"
	"github.com/sqlforge/sqlforge/internal/model/knn"
)

var registerOnce sync.Once

// registerBackends adds the backends that live outside internal/model to its registry,
// so every command resolves `knn:DATASET` (and the other schemes) the same way.
func registerBackends() {
	registerOnce.Do(func() {
		model.Register(model.SchemeKNN, knn.Open)
	})
}
