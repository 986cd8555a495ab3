//go:build bench

package bench

import (
	"os"
	"strconv"
	"testing"
	"time"
)

// benchN is the number of hosts of the full runs: HERALD_BENCH_N, else 10,000.
func benchN(t *testing.T) int {
	if s := os.Getenv("HERALD_BENCH_N"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			t.Fatalf("HERALD_BENCH_N: %v", err)
		}
		return n
	}
	return 10000
}

// Goals from the delivery issue, as ratios against the same run's pure
// signing time.
const (
	goalFanOut  = 1.3
	goalFollows = 1.5
	goalFaults  = 1.5 // healthy hosts under faults ÷ the fault-free fan-out
	goalRSS     = 150 << 20
)

func TestBenchFanOutAndFaults(t *testing.T) {
	n := benchN(t)
	clean := runFanOut(t, n)
	if clean.ratio() > goalFanOut {
		t.Errorf("fan-out ratio %.2f, goal ≤ %.1f", clean.ratio(), goalFanOut)
	}
	if clean.rss > goalRSS {
		t.Errorf("peak RSS %d MiB, goal ≤ %d MiB", clean.rss>>20, goalRSS>>20)
	}
	faulty := runFaults(t, n, 10*time.Second)
	ratio := faulty.Seconds() / clean.took.Seconds()
	t.Logf("faults: healthy 70%% in %s vs fault-free %s: ratio %.2f", faulty.Round(time.Millisecond), clean.took.Round(time.Millisecond), ratio)
	if ratio > goalFaults {
		t.Errorf("faults ratio %.2f, goal ≤ %.1f", ratio, goalFaults)
	}
}

func TestBenchKill(t *testing.T) {
	n := benchN(t)
	runKill(t, n, n/3)
	runKill(t, n, 0)
}

func TestBenchFollows(t *testing.T) {
	took, signing := runFollows(t, benchN(t))
	if r := took.Seconds() / signing.Seconds(); r > goalFollows {
		t.Errorf("follows ratio %.2f, goal ≤ %.1f", r, goalFollows)
	}
}

// TestBenchReplicas: the fan-out and the kill with two replicas on one
// PostgreSQL database, at full size.
func TestBenchReplicas(t *testing.T) {
	n := benchN(t)
	runReplicasFanOut(t, n)
	runReplicasKill(t, n, n/3)
}
