package dataset

import (
	"context"
	"fmt"
	"io"
	"path"
	"path/filepath"
)

// WriteOptions tune WriteSplits.
type WriteOptions struct {
	// Formats to write besides the records files (each in its own subdirectory named after
	// the format); FormatRecords here is ignored since records are always written.
	Formats []Format
	// Export renders prompts and schema context for the formats.
	Export ExportOptions
}

// WriteSplits writes each part as DIR/NAME.jsonl (our records), each extra format as
// DIR/FORMAT/NAME.jsonl, and DIR/manifest.json last, every file through a temporary file
// and a rename. The manifest's Files map receives each file's sha256; m may be nil, in
// which case a manifest without token counts is built.
func WriteSplits(ctx context.Context, dir string, parts []Part, opts WriteOptions, m *Manifest) (*Manifest, error) {
	if m == nil {
		var err error
		if m, err = NewManifest(parts, nil, opts.Export, "", 0); err != nil {
			return nil, err
		}
	}
	if m.Files == nil {
		m.Files = map[string]string{}
	}
	for _, f := range opts.Formats {
		if _, err := ParseFormat(string(f)); err != nil {
			return nil, err
		}
	}
	for _, p := range parts {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		rel := p.Name + ".jsonl"
		sum, err := WriteRecordsFile(filepath.Join(dir, rel), p.Records)
		if err != nil {
			return nil, err
		}
		m.Files[rel] = sum
		for _, f := range opts.Formats {
			if f == FormatRecords {
				continue
			}
			rel := path.Join(string(f), p.Name+".jsonl")
			sum, err := WriteFileAtomic(filepath.Join(dir, filepath.FromSlash(rel)), func(w io.Writer) error {
				return Export(w, p.Records, f, opts.Export)
			})
			if err != nil {
				return nil, err
			}
			m.Files[rel] = sum
		}
	}
	if _, err := WriteFileAtomic(filepath.Join(dir, "manifest.json"), m.WriteJSON); err != nil {
		return nil, fmt.Errorf("write manifest: %w", err)
	}
	return m, nil
}
