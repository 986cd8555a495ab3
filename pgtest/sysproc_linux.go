package pgtest

import "syscall"

// serverAttr runs postgres with cred (nil: as the tests' user) and asks the
// kernel to send it SIGQUIT (immediate shutdown) when the thread that
// started it ends, which it does at the latest with the test binary.
func serverAttr(cred *syscall.Credential) *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGQUIT}
}
