//go:build !amd64 || purego

package sgemm

// No assembly kernel on this architecture: Available reports false.

// kernels lists the kernels this machine can run: none.
func kernels() []kernel { return nil }
