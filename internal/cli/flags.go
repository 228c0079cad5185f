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
