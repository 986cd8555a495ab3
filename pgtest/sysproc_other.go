//go:build unix && !linux

package pgtest

import "syscall"

// serverAttr runs postgres with cred (nil: as the tests' user). Without
// Linux's parent-death signal, only Main stops the server.
func serverAttr(cred *syscall.Credential) *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Credential: cred}
}
