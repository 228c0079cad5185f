// Package backend opens model backends by reference: the one explicit switch from a
// reference's scheme to the package that implements it. internal/model holds the types and
// the OpenAI-compatible client; knn and local live in their own packages below this one, so
// callers open every kind of model here and never register anything.
package backend

import (
	"context"
	"fmt"
	"strings"

	"github.com/sqlforge/sqlforge/internal/model"
	"github.com/sqlforge/sqlforge/internal/model/knn"
	"github.com/sqlforge/sqlforge/internal/model/localmodel"
	"github.com/sqlforge/sqlforge/models"
)

// Schemes are the reference schemes Open knows, in the order help texts list them.
var Schemes = []string{model.SchemeKNN, model.SchemeLocal, model.SchemeOpenAI, model.SchemeAzure, model.SchemeOllama, model.SchemeHTTP}

// Open opens the backend ref names, reading endpoints and keys from env: knn:DATASET,
// local:PATH[+ADAPTER] (the embedded models by name), and the OpenAI-compatible openai:,
// azure:, ollama: and http:// references. A plan: reference is a planner (model/planner).
func Open(ctx context.Context, ref model.Ref, env model.Env) (model.Backend, error) {
	var (
		b   model.Backend
		err error
	)
	switch ref.Scheme {
	case model.SchemeKNN:
		b, err = knn.Open(ctx, ref, env)
	case model.SchemeLocal:
		b, err = localmodel.Opener(models.Resolve)(ctx, ref, env)
	case model.SchemeOpenAI, model.SchemeAzure, model.SchemeOllama, model.SchemeHTTP:
		b, err = model.OpenCompatible(ctx, ref, env)
	default:
		return nil, fmt.Errorf("opening model %s: the %q backend is %w (known: %s)",
			ref, ref.Scheme, model.ErrNotAvailable, strings.Join(Schemes, ", "))
	}
	if err != nil {
		return nil, fmt.Errorf("opening model %s: %w", ref, err)
	}
	return b, nil
}
