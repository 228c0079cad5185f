// Command sqlforge builds, fine-tunes, serves and evaluates text-to-SQL models for one database.
package main

import (
	"context"
	"os"
	"os/signal"

	"github.com/sqlforge/sqlforge/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := cli.Run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
