package cli

import (
	"sync"

	"github.com/sqlforge/sqlforge/internal/model"
	"github.com/sqlforge/sqlforge/internal/model/knn"
	localmodel "github.com/sqlforge/sqlforge/internal/model/local"
	"github.com/sqlforge/sqlforge/models"
)

var registerOnce sync.Once

// registerBackends adds the backends that live outside internal/model to its registry,
// so every command resolves `knn:DATASET` and `local:PATH[+ADAPTER]` (with the embedded
// models by name) the same way.
func registerBackends() {
	registerOnce.Do(func() {
		model.Register(model.SchemeKNN, knn.Open)
		model.Register(model.SchemeLocal, localmodel.Opener(models.Resolve))
	})
}
