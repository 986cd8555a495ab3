package pgtest

import (
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"
)

// prSetChildSubreaper is prctl's PR_SET_CHILD_SUBREAPER.
const prSetChildSubreaper = 36

// TestServerDiesWithBinary: a test binary that exits without stopping its
// server (a panic, a timeout) takes the server with it. The test makes
// itself the subreaper of the orphaned server, so that it can wait for it
// (and no zombie is left for an init that does not reap).
func TestServerDiesWithBinary(t *testing.T) {
	binDir(t)
	if _, _, errno := syscall.RawSyscall(syscall.SYS_PRCTL, prSetChildSubreaper, 1, 0); errno != 0 {
		t.Fatalf("become subreaper: %v", errno)
	}
	defer syscall.RawSyscall(syscall.SYS_PRCTL, prSetChildSubreaper, 0, 0)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), orphanEnv+"=1")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	var pid int
	var dir string
	if _, err := fmt.Sscan(string(out), &pid, &dir); err != nil {
		t.Fatalf("child said %q: %v", out, err)
	}
	defer os.RemoveAll(dir)
	reaped := make(chan error, 1)
	go func() {
		var ws syscall.WaitStatus
		_, err := syscall.Wait4(pid, &ws, 0, nil)
		reaped <- err
	}()
	select {
	case err := <-reaped:
		if err != nil {
			t.Fatalf("wait for postgres %d: %v", pid, err)
		}
	case <-time.After(stopWithin):
		_ = syscall.Kill(pid, syscall.SIGKILL)
		<-reaped
		t.Fatalf("postgres %d still ran %v after its test binary exited", pid, stopWithin)
	}
}
