package cli

import (
	"fmt"

	"github.com/spf13/pflag"
)

// aliasFlag registers old as a hidden spelling of the flag name (already defined on fs): both
// set the same value. Renamed flags keep their old spelling this way for one release (issue 15).
func aliasFlag(fs *pflag.FlagSet, old, name string) {
	f := fs.Lookup(name)
	if f == nil {
		panic(fmt.Sprintf("aliasFlag: no flag --%s", name))
	}
	a := fs.VarPF(f.Value, old, "", "old spelling of --"+name)
	a.NoOptDefVal = f.NoOptDefVal
	a.Hidden = true
}

// modelRefKinds lists every kind of model reference, for the help text of every --model flag
// that takes one (backend.Open is the switch that opens them).
const modelRefKinds = "knn:DATASET (retrieval baseline), local:PATH[+ADAPTER] (the in-process model), " +
	"plan:knn:DATASET, plan:local:PATH (plan models), openai:MODEL, azure:DEPLOYMENT, ollama:MODEL, " +
	"http(s)://HOST:PORT/v1#MODEL (any OpenAI-compatible server)"

// evalRefKinds adds the evaluation-only references to modelRefKinds.
const evalRefKinds = "gold (the dataset's own SQL), file:PATH (predictions read from a file), " + modelRefKinds
