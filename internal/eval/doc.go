// Package eval scores text-to-SQL predictions against a dataset's gold queries.
//
// A run (Run) takes items (Load reads our JSONL, the seed's test records,
// Spider and BIRD directories and sql-create-context), one or more predictors (gold,
// prediction files, model backends) and computes, per item and model, the
// metrics of issue 3: execution accuracy under a comparison mode of package
// match, exact match on normalised SQL, Spider's exact-set component match and
// hardness, syntax validity, BIRD's soft-F1 and R-VES, a similarity (a
// local token vector, or an embedding model's cosine), an error class and, optionally, an LLM judge's verdict recorded
// apart from the deterministic ones. Gold results are computed once per item
// and shared by every model; items and models run on a worker pool.
//
// The result is a Report, which package report renders as JSON, Markdown and
// HTML.
package eval
