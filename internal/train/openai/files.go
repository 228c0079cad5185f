package openai

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"

	sdk "github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/packages/param"

	"github.com/sqlforge/sqlforge/internal/train"
)

// Upload sends the JSONL file at path for fine-tuning and waits until the provider has
// processed it. Files of UploadThreshold bytes or more go through the Uploads API in parts.
func (e *Engine) Upload(ctx context.Context, path string) (train.FileInfo, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return train.FileInfo{}, fmt.Errorf("upload %s: %w", path, err)
	}
	name := filepath.Base(path)
	var id string
	if int64(len(data)) >= e.o.UploadThreshold {
		id, err = e.uploadParts(ctx, name, data)
	} else {
		var f *sdk.FileObject
		err = e.do(ctx, "upload "+name, func() error {
			var err error
			f, err = e.c.Files.New(ctx, sdk.FileNewParams{
				File:    sdk.File(bytes.NewReader(data), name, "application/jsonl"),
				Purpose: sdk.FilePurposeFineTune,
			})
			return err
		})
		if f != nil {
			id = f.ID
		}
	}
	if err != nil {
		return train.FileInfo{}, err
	}
	return e.WaitFile(ctx, id)
}

// uploadParts creates an Upload, adds the parts in order and completes it with their md5.
func (e *Engine) uploadParts(ctx context.Context, name string, data []byte) (string, error) {
	var up *sdk.Upload
	err := e.do(ctx, "create upload for "+name, func() error {
		var err error
		up, err = e.c.Uploads.New(ctx, sdk.UploadNewParams{
			Bytes: int64(len(data)), Filename: name, MimeType: "text/jsonl", Purpose: sdk.FilePurposeFineTune,
		})
		return err
	})
	if err != nil {
		return "", err
	}
	var parts []string
	for off, n := int64(0), 1; off < int64(len(data)); off, n = off+e.o.PartSize, n+1 {
		chunk := data[off:min(off+e.o.PartSize, int64(len(data)))]
		var p *sdk.UploadPart
		err := e.do(ctx, fmt.Sprintf("upload part %d of %s", n, name), func() error {
			var err error
			p, err = e.c.Uploads.Parts.New(ctx, up.ID, sdk.UploadPartNewParams{Data: bytes.NewReader(chunk)})
			return err
		})
		if err != nil {
			return "", err
		}
		parts = append(parts, p.ID)
	}
	sum := md5.Sum(data)
	var done *sdk.Upload
	err = e.do(ctx, "complete upload of "+name, func() error {
		var err error
		done, err = e.c.Uploads.Complete(ctx, up.ID, sdk.UploadCompleteParams{
			PartIDs: parts, Md5: param.NewOpt(hex.EncodeToString(sum[:])),
		})
		return err
	})
	if err != nil {
		return "", err
	}
	if done.File.ID == "" {
		return "", fmt.Errorf("complete upload of %s: upload %s is %s and has no file", name, up.ID, done.Status)
	}
	return done.File.ID, nil
}

// WaitFile polls file id until it is processed; a file in status error fails with the
// provider's details.
func (e *Engine) WaitFile(ctx context.Context, id string) (train.FileInfo, error) {
	delay := e.o.FilePoll.Initial
	for {
		var f *sdk.FileObject
		err := e.do(ctx, "get file "+id, func() error {
			var err error
			f, err = e.c.Files.Get(ctx, id)
			return err
		})
		if err != nil {
			return train.FileInfo{}, err
		}
		info := train.FileInfo{ID: f.ID, Filename: f.Filename, Bytes: f.Bytes, Status: string(f.Status), StatusDetails: f.StatusDetails}
		switch info.Status {
		case "processed":
			return info, nil
		case "error", "failed", "deleted":
			return info, fmt.Errorf("file %s (%s) was not accepted: %s %s", id, f.Filename, info.Status, f.StatusDetails)
		}
		if err := e.o.Sleep(ctx, delay); err != nil {
			return info, fmt.Errorf("wait for file %s: %w", id, err)
		}
		delay = e.o.FilePoll.Next(delay, false)
	}
}

// Content downloads file id.
func (e *Engine) Content(ctx context.Context, id string) ([]byte, error) {
	var data []byte
	err := e.do(ctx, "download file "+id, func() error {
		resp, err := e.c.Files.Content(ctx, id)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		data, err = io.ReadAll(resp.Body)
		return err
	})
	return data, err
}
