package eval

import (
	"context"
	"sync"

	"github.com/sqlforge/sqlforge/internal/eval/spider"
	"github.com/sqlforge/sqlforge/internal/sqlparse"
)

// esmGold is an item's gold query as Spider's evaluator parsed and rebuilt
// it, computed once for all models.
type esmGold struct {
	once sync.Once
	ev   *spider.Evaluator
	gold *spider.Gold
	err  error
	// hardness is sqlparse's class of a gold the official parse fails on.
	hardness string
}

// spiderESM scores exact-set match of a Spider item as the official
// evaluator does, and returns the gold's hardness by the same parse. The
// schema is read from the item's database, as process_sql.get_schema does
// (tables.json's when that fails); foreign keys come from tables.json. ESM is
// nil when the gold does not parse (the official evaluator stops there); its
// hardness is then sqlparse's.
func (r *runner) spiderESM(ctx context.Context, i int, it Item, e *dbEntry, pred string) (*bool, string) {
	g := &r.esm[i]
	g.once.Do(func() {
		g.ev = &spider.Evaluator{Schema: e.spiderSchema(ctx, it.Spider), ForeignKeys: it.Spider.ForeignKeys(),
			WithValues: r.opts.WithValues}
		g.gold, g.err = g.ev.ParseGold(it.Gold)
		if g.err != nil {
			g.hardness, _ = sqlparse.Hardness(it.Gold)
		}
	})
	if g.err != nil {
		return nil, g.hardness
	}
	ok := g.ev.Match(g.gold, pred)
	return &ok, g.gold.Hardness
}

// spiderSchema returns the entry's database schema as Spider's evaluator
// reads it, once; d's (tables.json) when the database cannot be read.
func (e *dbEntry) spiderSchema(ctx context.Context, d *spider.DB) *spider.Schema {
	e.spiderOnce.Do(func() {
		if e.raw != nil {
			e.spider, _ = spider.SchemaFromDB(ctx, e.raw)
		}
	})
	if e.spider == nil {
		return d.Schema()
	}
	return e.spider
}
