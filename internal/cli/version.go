package cli

import (
	"fmt"

	"github.com/spf13/cobra"
)

// Version is sqlforge's release; set with -ldflags "-X .../internal/cli.Version=v1.2.3".
var Version = "0.1.0-dev"

func (a *app) newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print sqlforge's version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			_, err := fmt.Fprintln(a.stdout, "sqlforge", Version)
			return err
		},
	}
}
