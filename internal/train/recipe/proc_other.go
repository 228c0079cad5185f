//go:build !unix

package recipe

import (
	"errors"
	"os/exec"
)

func detach(*exec.Cmd) {}

func alive(int) bool { return false }

func terminate(int) error { return errors.New("cancelling a cluster run is supported on unix only") }
