//go:build unix

package recipe

import (
	"errors"
	"os/exec"
	"syscall"
)

// detach starts cmd in its own session, so it outlives sqlforge and a terminal's signals.
func detach(cmd *exec.Cmd) { cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true} }

// alive reports whether process pid exists.
func alive(pid int) bool {
	if pid <= 0 {
		return false
	}
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// terminate sends SIGTERM to the process group led by pid (the launcher and the engine it started).
func terminate(pid int) error {
	if pid <= 0 || !alive(pid) {
		return nil
	}
	if err := syscall.Kill(-pid, syscall.SIGTERM); err != nil && !errors.Is(err, syscall.ESRCH) {
		return err
	}
	return nil
}
