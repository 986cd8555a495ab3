//go:build bench

package bench

import (
	"testing"
	"time"

	"herald/pgtest"
)

// pgMain runs the tests on a PostgreSQL server that syncs its commits
// (fsync and synchronous_commit on): the store benchmarks compare it with
// bbolt, which syncs every commit.
func pgMain(m *testing.M) int { return pgtest.MainDurable(m) }

// Goals of issue #14 for the PostgreSQL store, as ratios against
// baselines of the same run.
const (
	goalPostgresFanOut = 1.2 // PostgreSQL's fan-out time ÷ bbolt's, one process each
	goalReplicaSpeedup = 1.7 // two one-core replicas' delivery rate ÷ one's
)

// storeRounds is how many times each store's fan-out runs, alternating,
// in TestBenchPostgresFanOut: the best of each is compared.
const storeRounds = 2

// TestBenchPostgresFanOut (goal 1): the fan-out time of one Herald on
// PostgreSQL ÷ that of one on bbolt, same N, runs alternating.
func TestBenchPostgresFanOut(t *testing.T) {
	n := benchN(t)
	var bolt, pg []time.Duration
	for range storeRounds {
		bolt = append(bolt, runStoreFanOut(t, n, storeSetup{name: "bbolt"}).took)
		pg = append(pg, runStoreFanOut(t, n, storeSetup{name: "postgres", postgres: true}).took)
	}
	ratio := best(pg).Seconds() / best(bolt).Seconds()
	t.Logf("goal 1, N=%d: PostgreSQL %v ÷ bbolt %v (best of each): ratio %.2f, goal ≤ %.1f",
		n, rounded(pg), rounded(bolt), ratio, goalPostgresFanOut)
	if ratio > goalPostgresFanOut {
		t.Errorf("PostgreSQL's fan-out takes %.2f × bbolt's, goal ≤ %.1f", ratio, goalPostgresFanOut)
	}
}

// TestBenchReplicaSpeedup (goal 2): the delivery rate of two replicas on
// one PostgreSQL database, each with one core (GOMAXPROCS=1, pinned to
// cores 0 and 1), ÷ that of one such replica. On a machine of two cores
// the fleet and PostgreSQL share those cores, so the same is measured
// for the floor: processes that only sign and POST (floorProcesses). Each
// of the four runs storeRounds times, in turn; the best of each counts.
func TestBenchReplicaSpeedup(t *testing.T) {
	n := benchN(t)
	var one, two, floorOne, floorTwo []time.Duration
	for range storeRounds {
		one = append(one, runStoreFanOut(t, n, storeSetup{name: "one replica on core 0", postgres: true, cpus: []string{"0"}}).took)
		two = append(two, runStoreFanOut(t, n, storeSetup{name: "two replicas on cores 0 and 1", postgres: true, replicas: 2,
			cpus: []string{"0", "1"}}).took)
		floorOne = append(floorOne, floorProcesses(t, n, []string{"0"}))
		floorTwo = append(floorTwo, floorProcesses(t, n, []string{"0", "1"}))
	}
	speedup := best(one).Seconds() / best(two).Seconds()
	floor := best(floorOne).Seconds() / best(floorTwo).Seconds()
	t.Logf("goal 2, N=%d: one replica %v, two %v: rate ratio %.2f (best of each), goal ≥ %.1f", n,
		rounded(one), rounded(two), speedup, goalReplicaSpeedup)
	t.Logf("goal 2, N=%d: floor senders: one %v, two %v: rate ratio %.2f; the replicas reach %.2f of it", n,
		rounded(floorOne), rounded(floorTwo), floor, speedup/floor)
	switch {
	case speedup >= goalReplicaSpeedup:
	case floor < goalReplicaSpeedup:
		t.Logf("goal 2 cannot be met on this machine: the floor's ratio is %.2f", floor)
	default:
		t.Errorf("two replicas deliver %.2f × as fast as one, goal ≥ %.1f (the floor reaches %.2f)", speedup, goalReplicaSpeedup, floor)
	}
}

// TestBenchFanOutAfterFollowsRSS (goal 3): the peak RSS of a replica on
// PostgreSQL during a fan-out to N followers that came by N Follows just
// before, with bbolt's in the same scenario as the baseline; the peaks
// during the Follows are logged too.
func TestBenchFanOutAfterFollowsRSS(t *testing.T) {
	n := benchN(t)
	bolt := runStoreFanOut(t, n, storeSetup{name: "bbolt after Follows", follows: true})
	pg := runStoreFanOut(t, n, storeSetup{name: "postgres after Follows", postgres: true, follows: true})
	t.Logf("goal 3, N=%d: peak RSS during the fan-out on PostgreSQL %d MiB, on bbolt %d MiB: ratio %.2f; goal ≤ %d MiB", n,
		pg.rss>>20, bolt.rss>>20, float64(pg.rss)/float64(bolt.rss), goalRSS>>20)
	t.Logf("goal 3, N=%d: peak RSS during the Follows on PostgreSQL %d MiB, on bbolt %d MiB", n, pg.followsRSS>>20, bolt.followsRSS>>20)
	t.Logf("goal 3, N=%d: Follows took %s on PostgreSQL, %s on bbolt; the fan-out %s and %s", n,
		pg.follows.Round(time.Millisecond), bolt.follows.Round(time.Millisecond), pg.took.Round(time.Millisecond), bolt.took.Round(time.Millisecond))
	if pg.rss > goalRSS {
		t.Errorf("peak RSS on PostgreSQL %d MiB, goal ≤ %d MiB", pg.rss>>20, goalRSS>>20)
	}
}

// best returns the shortest of ds.
func best(ds []time.Duration) time.Duration {
	b := ds[0]
	for _, d := range ds[1:] {
		b = min(b, d)
	}
	return b
}

// rounded returns ds to the millisecond, for the log.
func rounded(ds []time.Duration) []time.Duration {
	out := make([]time.Duration, len(ds))
	for i, d := range ds {
		out[i] = d.Round(time.Millisecond)
	}
	return out
}
