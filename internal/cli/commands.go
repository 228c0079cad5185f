package cli

import "github.com/spf13/cobra"

// commands lists every top-level subcommand: the one place they are wired.
func (a *app) commands() []*cobra.Command {
	return []*cobra.Command{
		a.newVersionCmd(),
		a.newGenCmd(),
		a.withDBLoad(a.newDBCmd()),
		a.newSchemaCmd(),
		a.newOntologyCmd(),
		a.newDataCmd(),
		a.newFinetuneCmd(),
		a.newJobsCmd(),
		a.newServeCmd(),
		a.newAskCmd(),
		a.newEvalCmd(),
		a.newBenchCmd(),
		a.newPretrainCmd(),
		a.newTrainCmd(),
		a.newMergeCmd(),
		a.newExportCmd(),
		a.newAdapterCmd(),
		a.newRunCmd(),
	}
}
