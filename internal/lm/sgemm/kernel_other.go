//go:build !amd64 || purego

package sgemm

// No assembly kernel on this architecture: Available reports false.
