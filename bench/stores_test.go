package bench

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"herald/fedtest"
	"herald/pgtest"
	"herald/store"
	"herald/store/postgres"
)

// The fan-out on either store, by one or several processes: the runs the
// store benchmarks (goals of issue #14) compare, and the small variant
// that checks the PostgreSQL store's counts after Follows and a fan-out.

// storeSetup is how the Herald of one fan-out run keeps its data and runs.
type storeSetup struct {
	name     string   // for the log
	postgres bool     // on a fresh PostgreSQL database, else on bbolt
	replicas int      // with postgres: how many processes share it (0 means 1)
	cpus     []string // process i runs pinned to the cores cpus[i] with GOMAXPROCS=1
	follows  bool     // every host follows first by a signed Follow, else followers are imported
}

// storeRun is what one fan-out run measured.
type storeRun struct {
	took       time.Duration // publish → every host has a verified Create
	follows    time.Duration // first Follow sent → every verified Accept (with follows)
	rss        int64         // the largest peak RSS among the processes (VmHWM) during the fan-out
	followsRSS int64         // the same during the Follows (with follows)
	cpu        time.Duration // the processes' CPU time during the fan-out
	settings   string        // the PostgreSQL settings that decide durability
	db         string        // with postgres: the database's URL (dropped at test end)
}

// storeNodes are the prepared processes of a run and where they keep
// their data.
type storeNodes struct {
	nodes []*instance
	feed  *feed
	base  string      // base_url
	rs    *replicaSet // with postgres
}

// prepare makes the processes of s for fleet, not yet started.
func (s storeSetup) prepare(t *testing.T, fleet *fedtest.Fleet) storeNodes {
	if !s.postgres {
		in := newInstance(t, fleet, !s.follows, 10*time.Second)
		if len(s.cpus) > 0 {
			in.cpus = s.cpus[0]
		}
		return storeNodes{nodes: []*instance{in}, feed: in.feed, base: in.base}
	}
	rs := newReplicaSet(t, fleet, replicaOptions{n: max(1, s.replicas), lease: time.Minute, pollInterval: time.Second,
		fetchTimeout: 10 * time.Second, cpus: s.cpus, noFollowers: s.follows}) // bbolt's run has that fetch_timeout too
	return storeNodes{nodes: rs.nodes, feed: rs.feed, base: rs.lb.URL, rs: rs}
}

// runStoreFanOut runs one fan-out of a new item to n hosts (after their
// Follows with s.follows) and checks that every host got it exactly once
// and that no job is left.
func runStoreFanOut(t *testing.T, n int, s storeSetup) storeRun {
	fleet := newFleet(t, n, nil)
	defer fleet.Close() // before another run's fleet takes its n sockets
	sn := s.prepare(t, fleet)
	var res storeRun
	if sn.rs != nil {
		res.db, res.settings = sn.rs.db, pgSettings(t, sn.rs.db)
	}
	for _, in := range sn.nodes {
		in.start()
	}
	if s.follows {
		res.follows = followAll(t, fleet, sn.base, sn.nodes[0].base)
		for _, in := range sn.nodes {
			res.followsRSS = max(res.followsRSS, in.peakRSS())
			in.resetPeakRSS() // the fan-out's own peak from here
		}
	}
	sn.nodes[0].initialised()
	cpu0 := cpuOf(sn.nodes)
	sn.feed.publish("9301")
	if err := fleet.WaitReached(ctxFor(t, 10*time.Minute), "Create", n); err != nil {
		t.Fatalf("%s: %v", s.name, err)
	}
	res.took = time.Since(sn.feed.publishedAt())
	res.cpu = cpuOf(sn.nodes) - cpu0
	for _, in := range sn.nodes {
		res.rss = max(res.rss, in.peakRSS())
		in.stop()
	}
	if missing, dups := deliveryCounts(fleet, "Create"); missing != 0 || dups != 0 {
		t.Errorf("%s: %d hosts without the Create, %d duplicates", s.name, missing, dups)
	}
	if left := sn.pending(t); left != 0 {
		t.Errorf("%s: %d jobs left queued", s.name, left)
	}
	if t.Failed() {
		for i, in := range sn.nodes {
			t.Logf("%s: log of process %d:\n%.5000s", s.name, i, in.stderr)
		}
	}
	after := ""
	if s.follows {
		after = fmt.Sprintf(" (after %s of Follows, peak RSS %d MiB)", res.follows.Round(time.Millisecond), res.followsRSS>>20)
	}
	t.Logf("%s, N=%d: fan-out in %s, peak RSS %d MiB%s; CPU %s; %s",
		s.name, n, res.took.Round(time.Millisecond), res.rss>>20, after, res.cpu.Round(10*time.Millisecond), res.settings)
	return res
}

// pending returns how many jobs the stopped processes left queued.
func (sn storeNodes) pending(t *testing.T) int {
	var left int
	var err error
	if sn.rs != nil {
		left, err = sn.rs.store().PendingJobs()
	} else {
		left, err = sn.nodes[0].openStore().PendingJobs()
	}
	if err != nil {
		t.Fatal(err)
	}
	return left
}

// followAll has every host of fleet follow the news account of base (the
// base_url) with a Follow signed beforehand, posted to the inbox of the
// process at direct (not through the balancer, whose one address would
// meet the inbox's limit per IP), and waits for every verified Accept.
func followAll(t *testing.T, fleet *fedtest.Fleet, base, direct string) time.Duration {
	n := len(fleet.Hosts())
	follows, err := fleet.SignFollows(base+"/users/news", direct+"/inbox", runtime.NumCPU())
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if statuses := follows.Send(ctxFor(t, 10*time.Minute), 64); statuses[202] != n {
		t.Fatalf("Follow answers: %v, want %d × 202", statuses, n)
	}
	if err := fleet.WaitReached(ctxFor(t, 10*time.Minute), "Accept", n); err != nil {
		t.Fatal(err)
	}
	return time.Since(start)
}

// cpuOf returns the CPU time the processes have used so far.
func cpuOf(nodes []*instance) time.Duration {
	var sum time.Duration
	for _, in := range nodes {
		sum += in.cpuTime()
	}
	return sum
}

// pgSettings returns the settings of the database at url that decide
// what a commit costs, for the log.
func pgSettings(t *testing.T, url string) string {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn := pgtest.Connect(t, url)
	out := "PostgreSQL"
	for _, name := range []string{"fsync", "synchronous_commit", "full_page_writes", "shared_buffers"} {
		var v string
		if err := conn.QueryRow(ctx, "SELECT current_setting($1)", name).Scan(&v); err != nil {
			t.Fatal(err)
		}
		out += fmt.Sprintf(" %s=%s", name, v)
	}
	return out
}

// TestPostgresFanOutAfterFollowsSmall: on one PostgreSQL replica, every
// host follows, then gets one Create; every activity's counts are exact
// (queued = delivered, nothing failed) and every host follows.
func TestPostgresFanOutAfterFollowsSmall(t *testing.T) {
	const n = 300
	res := runStoreFanOut(t, n, storeSetup{name: "postgres after Follows", postgres: true, follows: true})
	st, err := postgres.Open(context.Background(), res.db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if got, err := st.FollowerCount("news"); got != n || err != nil {
		t.Errorf("%d followers (%v), want %d", got, err, n)
	}
	total := activityTotals(t, res.db, st)
	if want := (store.ActivityStats{Queued: 2 * n, Delivered: 2 * n}); total != want {
		t.Errorf("counts of all activities %+v, want %+v (an Accept and the Create per host)", total, want)
	}
}

// activityTotals adds up the delivery counts of every activity of the
// database at url, read through the store.
func activityTotals(t *testing.T, url string, st *postgres.Store) store.ActivityStats {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn := pgtest.Connect(t, url)
	rows, _ := conn.Query(ctx, "SELECT DISTINCT activity_id FROM activity_stats")
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	var total store.ActivityStats
	for _, id := range ids {
		s, found, err := st.DeliveryStats(id)
		if err != nil || !found {
			t.Fatalf("stats of %s: found %t, %v", id, found, err)
		}
		total.Queued, total.Delivered, total.Failed = total.Queued+s.Queued, total.Delivered+s.Delivered, total.Failed+s.Failed
	}
	return total
}
