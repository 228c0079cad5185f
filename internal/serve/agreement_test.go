package serve

import (
	"context"
	"testing"

	"github.com/sqlforge/sqlforge/internal/database"
	"github.com/sqlforge/sqlforge/internal/model"
	"github.com/sqlforge/sqlforge/internal/prompt"
	"github.com/sqlforge/sqlforge/internal/schema"
	"github.com/sqlforge/sqlforge/internal/sqlexec"
)

func TestAgreementByResult(t *testing.T) {
	ctx := context.Background()
	db, err := database.Open(ctx, copyNorthwind(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	sch, err := schema.Introspect(ctx, db.DB)
	if err != nil {
		t.Fatal(err)
	}
	svc, err := NewService(ServiceConfig{Backend: &scripted{}, Executor: sqlexec.NewSQLite(db.DB), Builder: &prompt.Builder{Schema: sch}})
	if err != nil {
		t.Fatal(err)
	}
	const count = "SELECT COUNT(*) FROM Orders"
	tests := []struct {
		name   string
		sqls   []string
		chosen int
		want   float64 // -1: nil
	}{
		{"one sample", []string{count}, 0, -1},
		{"same result, other SQL", []string{count, "SELECT count(OrderID) FROM Orders AS o", "SELECT 1"}, 0, 2.0 / 3},
		{"rows in another order", []string{"SELECT CategoryName FROM Categories", "SELECT CategoryName FROM Categories ORDER BY CategoryName DESC"}, 0, 1},
		{"failing and refused samples disagree", []string{count, "SELECT nope FROM Orders", "DELETE FROM Orders", ""}, 0, 0.25},
		{"chosen fails: by normalised SQL", []string{"SELECT nope FROM Orders", "select  nope from Orders", count}, 0, 2.0 / 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := svc.agreementByResult(ctx, tt.sqls, tt.chosen, 1000)
			switch {
			case tt.want < 0 && got != nil:
				t.Errorf("agreement = %v; want nil", *got)
			case tt.want >= 0 && (got == nil || *got < tt.want-1e-9 || *got > tt.want+1e-9):
				t.Errorf("agreement = %v; want %v", got, tt.want)
			}
		})
	}
}

// multi answers with several samples, for the end-to-end agreement check.
type multi struct{ texts []string }

func (m *multi) Name() string { return "multi" }
func (m *multi) Generate(context.Context, model.Request) (model.Response, error) {
	var r model.Response
	for _, t := range m.texts {
		r.Choices = append(r.Choices, model.Choice{Text: t})
	}
	return r, nil
}

func TestGenerateUsesAgreementByResult(t *testing.T) {
	ctx := context.Background()
	db, err := database.Open(ctx, copyNorthwind(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	sch, err := schema.Introspect(ctx, db.DB)
	if err != nil {
		t.Fatal(err)
	}
	b := &multi{texts: []string{"SELECT COUNT(*) FROM Orders", "SELECT count(OrderID) FROM Orders"}}
	svc, err := NewService(ServiceConfig{Backend: b, Executor: sqlexec.NewSQLite(db.DB), Builder: &prompt.Builder{Schema: sch}, Samples: 2})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := svc.Generate(ctx, GenerateRequest{Question: "how many orders", Execute: true})
	if err != nil {
		t.Fatal(err)
	}
	// Both samples return the same count: full agreement keeps the 0.5 base.
	if resp.Confidence != 0.5 {
		t.Errorf("confidence = %v; want 0.5 (agreement 1 by result)", resp.Confidence)
	}
}
