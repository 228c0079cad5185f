package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/sqlforge/sqlforge/internal/lm/peft"
)

// newAdapterCmd is `sqlforge adapter check DIR [--base DIR]`.
func (a *app) newAdapterCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "adapter", Short: "Inspect PEFT LoRA adapters"}
	var base string
	check := &cobra.Command{
		Use:   "check DIR [--base DIR]",
		Short: "Check a PEFT LoRA adapter (adapter_config.json + adapter_model.safetensors), against the base's config.json with --base",
		Long: `check reads a PEFT LoRA adapter written by sqlforge train, axolotl, TRL or PEFT itself and checks that
it is complete and consistent: peft_type LORA, rank, alpha, the base named, target modules, and a
lora_A [r, in] / lora_B [out, r] pair for every adapted module. With --base (a model directory or
its config.json) the shapes and layer indices are checked against the base's architecture. Any
problem exits 2 with every problem listed.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			rep, err := peft.Check(args[0], base)
			if err != nil {
				return userErr(err)
			}
			if a.jsonOut {
				return a.dbPrintJSON(rep)
			}
			fmt.Fprintf(a.stdout, "adapter %s: ok: LoRA r=%d alpha=%g on %v, %d modules in %d layers, %s, base %s\n",
				args[0], rep.R, rep.Alpha, rep.TargetModules, rep.Modules, rep.Layers, rep.DType, rep.Base)
			if rep.CheckedAgainst != "" {
				fmt.Fprintf(a.stdout, "shapes checked against %s\n", rep.CheckedAgainst)
			}
			return nil
		},
	}
	check.Flags().StringVar(&base, "base", "", "the base model directory (or its config.json) to check shapes against")
	cmd.AddCommand(check)
	return cmd
}
