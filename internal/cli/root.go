// Package cli holds sqlforge's command line: one constructor per subcommand, wired in Run.
//
// Run is the whole program minus process concerns, so tests drive the real CLI in-process.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/sqlforge/sqlforge/internal/dataset"
)

// Exit statuses. Input errors (bad files, bad flags) exit 2, as the project's
// convention for "the user must fix something"; internal failures exit 1.
const (
	exitOK    = 0
	exitError = 1
	exitInput = 2
)

// app carries the process streams to every subcommand.
type app struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	// jsonOut asks commands to print machine-readable JSON instead of text.
	jsonOut bool
	// quiet suppresses progress output.
	quiet bool
}

// inputError marks an error that the user must fix (exit status 2).
type inputError struct{ err error }

func (e inputError) Error() string { return e.err.Error() }
func (e inputError) Unwrap() error { return e.err }

// userErr wraps err as an input error (exit status 2).
func userErr(err error) error {
	if err == nil {
		return nil
	}
	return inputError{err}
}

// Run executes sqlforge with args (without the program name) and returns the exit status.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	a := &app{stdin: stdin, stdout: stdout, stderr: stderr}
	root := a.newRootCmd()
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	fmt.Fprintf(stderr, "sqlforge: %v\n", err)
	var ie inputError
	if errors.As(err, &ie) || isFlagError(err) {
		return exitInput
	}
	return exitError
}

func (a *app) newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "sqlforge",
		Short: "Build, fine-tune, serve and evaluate a text-to-SQL model for your database",
		Long: `sqlforge takes a database and a vocabulary of business concepts through the whole life of a
domain text-to-SQL model: execution-verified training data, fine-tuning, serving and evaluation.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.PersistentFlags().BoolVar(&a.jsonOut, "json", false, "print machine-readable JSON")
	root.PersistentFlags().BoolVarP(&a.quiet, "quiet", "q", false, "no progress output")
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return flagError{err} })
	for _, c := range a.commands() {
		root.AddCommand(c)
	}
	return root
}

// flagError marks a command-line usage error (exit status 2).
type flagError struct{ err error }

func (e flagError) Error() string { return e.err.Error() }
func (e flagError) Unwrap() error { return e.err }

func isFlagError(err error) bool {
	var fe flagError
	return errors.As(err, &fe)
}

// stderrIsTerminal reports whether stderr is a terminal, where progress is drawn as a bar
// rather than printed as plain lines.
func (a *app) stderrIsTerminal() bool {
	f, ok := a.stderr.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// sweepTemps removes the temporary files a killed earlier run left in the output dir (or,
// for a file output, beside it), as the command starts; see dataset.RemoveStaleTemps.
func (a *app) sweepTemps(out string, isFile bool) error {
	var removed []string
	var err error
	if isFile {
		removed, err = dataset.RemoveStaleTempsOf(out, time.Now())
	} else {
		removed, err = dataset.RemoveStaleTemps(out, time.Now())
	}
	if err != nil {
		return err
	}
	if len(removed) > 0 && !a.quiet {
		fmt.Fprintf(a.stderr, "removed %d temporary files left by an interrupted run in %s\n", len(removed), out)
	}
	return nil
}
