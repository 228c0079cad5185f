package openai_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/openai/openai-go/v3/azure"
	"github.com/openai/openai-go/v3/option"

	"github.com/sqlforge/sqlforge/internal/train"
	"github.com/sqlforge/sqlforge/internal/train/fttest"
	ftopenai "github.com/sqlforge/sqlforge/internal/train/openai"
)

// The same engine runs on Azure OpenAI's data-plane paths with api-key and api-version.
func TestAzurePaths(t *testing.T) {
	srv := fttest.New(t, key)
	eng := ftopenai.New(ftopenai.Options{Provider: "azure", Sleep: func(context.Context, time.Duration) error { return nil },
		RequestOptions: []option.RequestOption{azure.WithEndpoint(srv.URL, "2025-04-01-preview"), azure.WithAPIKey(key), azure.WithUnsafeAllowHTTP()}})
	ctx := context.Background()
	f, err := eng.Upload(ctx, writeFile(t, strings.Repeat(line, 10)))
	if err != nil {
		t.Fatal(err)
	}
	j, err := eng.CreateJob(ctx, train.JobSpec{BaseModel: "gpt-4o-mini-2024-07-18", TrainingFile: f.ID})
	if err != nil {
		t.Fatal(err)
	}
	for range 10 {
		if j, err = eng.GetJob(ctx, j.ID); err != nil || j.Status.Stopped() {
			break
		}
	}
	if err != nil || j.Status != train.StatusSucceeded {
		t.Fatalf("job %s, %v", j.Status, err)
	}
	for _, r := range srv.Requests() {
		if !strings.HasPrefix(r, "POST /openai/") && !strings.HasPrefix(r, "GET /openai/") {
			t.Errorf("request %q not on the Azure paths", r)
		}
	}
}
