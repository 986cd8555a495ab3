//go:build bench

package bench

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"herald/fedtest"
)

// The floor of the replica benchmark: sender processes with nothing but
// the necessary work (floorSend), pinned to cores like the replicas.

// envFloorInboxes names the file of inboxes, one a line, that
// TestFloorSenderProcess sends to; it is set only in the processes that
// floorProcesses starts.
const envFloorInboxes = "HERALD_FLOOR_INBOXES"

// floorReady is the line a floor sender process writes once it is ready.
const floorReady = "floor sender ready"

// floorProcesses delivers one Create to each host of a fresh fleet of n
// with one floor sender process per entry of cpus (this test binary,
// pinned to those cores with GOMAXPROCS=1), the hosts split evenly among
// them, and returns the time from the start signal to the last verified
// Create.
func floorProcesses(t *testing.T, n int, cpus []string) time.Duration {
	fleet := newFleet(t, n, nil)
	defer fleet.Close()
	var starts []io.WriteCloser
	var procs []*exec.Cmd
	for i, cpu := range cpus {
		var part []string
		for j, h := range fleet.Hosts() {
			if j%len(cpus) == i {
				part = append(part, h.SharedInbox())
			}
		}
		proc, start := startFloorSender(t, cpu, part)
		procs, starts = append(procs, proc), append(starts, start)
	}
	began := time.Now()
	for _, start := range starts {
		start.Close() // the signal: the sender's stdin ends
	}
	if err := fleet.WaitReached(ctxFor(t, 10*time.Minute), "Create", n); err != nil {
		t.Fatal(err)
	}
	took := time.Since(began)
	for _, p := range procs {
		if err := p.Wait(); err != nil {
			t.Errorf("floor sender: %v", err)
		}
	}
	if missing, dups := deliveryCounts(fleet, "Create"); missing != 0 || dups != 0 {
		t.Errorf("floor senders: %d hosts without the Create, %d duplicates", missing, dups)
	}
	return took
}

// startFloorSender starts a floor sender process for inboxes pinned to
// cpu, waits until it is ready, and returns it with its stdin, whose
// closing starts it.
func startFloorSender(t *testing.T, cpu string, inboxes []string) (*exec.Cmd, io.WriteCloser) {
	path := filepath.Join(t.TempDir(), "inboxes")
	if err := os.WriteFile(path, []byte(strings.Join(inboxes, "\n")), 0o600); err != nil {
		t.Fatal(err)
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	proc := exec.Command("taskset", "-c", cpu, self, "-test.run=^TestFloorSenderProcess$", "-test.count=1")
	proc.Env = append(os.Environ(), "GOMAXPROCS=1", envFloorInboxes+"="+path, "HERALD_BENCH_BIN="+heraldBin)
	proc.Stderr = os.Stderr
	stdin, err := proc.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := proc.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := proc.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = proc.Process.Kill() })
	for lines := bufio.NewScanner(stdout); lines.Scan(); {
		if lines.Text() == floorReady {
			return proc, stdin // what it writes after this fits in the pipe
		}
	}
	t.Fatal("the floor sender ended before it was ready")
	return nil, nil
}

// TestFloorSenderProcess is the floor sender run by floorProcesses as a
// process of its own; elsewhere it is skipped. It makes its actor (key and
// server), reports that it is ready, waits until its stdin ends and sends.
func TestFloorSenderProcess(t *testing.T) {
	path := os.Getenv(envFloorInboxes)
	if path == "" {
		t.Skip("run by floorProcesses")
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sender, err := fedtest.New()
	if err != nil {
		t.Fatal(err)
	}
	defer sender.Close()
	fmt.Println(floorReady)
	_, _ = io.Copy(io.Discard, os.Stdin)
	if err := floorSend(sender, strings.Split(string(raw), "\n")); err != nil {
		t.Fatal(err)
	}
}
