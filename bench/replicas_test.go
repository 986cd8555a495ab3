package bench

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"herald/fedtest"
)

// The replica scenarios: Herald processes on one PostgreSQL database
// (docs/scaling.md), run as real binaries behind a balancer. Their
// timeouts are generous (a noisy two-core machine); what they assert is
// what happens, not how fast.

// replicaN is the fleet size of the replica scenarios in the normal suite.
const replicaN = 1000

// runReplicasFanOut publishes one item to n hosts followed through two
// replicas: every host gets the Create exactly once, and the replicas'
// delivery counts add up to n.
func runReplicasFanOut(t *testing.T, n int) {
	fleet := newFleet(t, n, nil)
	defer fleet.Close() // before another run's fleet takes its n sockets
	rs := newReplicaSet(t, fleet, replicaOptions{n: 2, lease: 10 * time.Second, pollInterval: time.Second})
	rs.start()
	rs.nodes[0].initialised()
	rs.feed.publish("9101")
	if err := fleet.WaitReached(ctxFor(t, 10*time.Minute), "Create", n); err != nil {
		t.Fatalf("%v\n%s", err, rs.logs())
	}
	took := time.Since(rs.feed.publishedAt())
	waitQueueEmpty(t, rs)
	delivered := 0.0
	var each []float64
	for _, in := range rs.nodes {
		d := max(rs.metric(in, `herald_deliveries_total{outcome="delivered"}`), 0) // -1: none counted
		each = append(each, d)
		delivered += d
	}
	for _, in := range rs.nodes {
		in.stop()
	}
	if missing, dups := deliveryCounts(fleet, "Create"); missing != 0 || dups != 0 {
		t.Errorf("%d hosts without the Create, %d duplicates; want every host once", missing, dups)
	}
	if int(delivered) != n {
		t.Errorf("the replicas counted %v deliveries, %v in all; want %d", each, delivered, n)
	}
	t.Logf("replicas fan-out N=%d: every host once in %s; deliveries by replica %v", n, took.Round(time.Millisecond), each)
}

// waitQueueEmpty waits (bounded) until no job is queued.
func waitQueueEmpty(t *testing.T, rs *replicaSet) {
	t.Helper()
	st := rs.store()
	for deadline := time.Now().Add(2 * time.Minute); ; time.Sleep(50 * time.Millisecond) {
		n, err := st.PendingJobs()
		if err == nil && n == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d jobs still queued (%v)\n%s", n, err, rs.logs())
		}
	}
}

// runReplicasKill kills (SIGKILL) the replica holding the most claims once
// killAfter hosts have the Create. The other replica takes the dead one's
// jobs over when their lease ends: every host ends with the Create, and
// the duplicates are at most the jobs the dead replica had claimed.
func runReplicasKill(t *testing.T, n, killAfter int) {
	fleet := newFleet(t, n, nil)
	defer fleet.Close()
	lease := 5 * time.Second // a live replica under load keeps its claims
	rs := newReplicaSet(t, fleet, replicaOptions{n: 2, lease: lease, pollInterval: time.Second})
	rs.start()
	rs.nodes[0].initialised()
	st := rs.store()
	rs.feed.publish("9102")
	for fleet.Reached("Create") < killAfter {
		time.Sleep(time.Millisecond)
	}
	victim, survivor := rs.nodes[0], rs.nodes[1]
	if rs.claimsOf(st, survivor) > rs.claimsOf(st, victim) {
		victim, survivor = survivor, victim
	}
	victim.kill()
	killed := time.Now()
	atKill := fleet.Reached("Create")
	claimed := rs.claimsOf(st, victim) // frozen: nobody renews or records them
	if err := fleet.WaitReached(ctxFor(t, 10*time.Minute), "Create", n); err != nil {
		t.Fatalf("%v\n%s", err, rs.logs())
	}
	waitQueueEmpty(t, rs)
	took := time.Since(killed)
	takeovers := rs.metric(survivor, `herald_lease_takeovers_total{kind="job"}`)
	survivor.stop()
	missing, dups := deliveryCounts(fleet, "Create")
	if missing != 0 {
		t.Errorf("%d hosts never got the Create", missing)
	}
	if dups > claimed {
		t.Errorf("%d duplicates, more than the %d jobs the killed replica held", dups, claimed)
	}
	if claimed > 0 && takeovers < 1 {
		t.Errorf("herald_lease_takeovers_total{kind=\"job\"} = %v on the survivor after the killed replica held %d jobs", takeovers, claimed)
	}
	t.Logf("replicas kill N=%d: killed with %d hosts served, the dead replica holding %d jobs; all served %s after the kill (lease %s); %d duplicates; %v takeovers",
		n, atKill, claimed, took.Round(time.Millisecond), lease, dups, takeovers)
}

// TestReplicasFeedLease: a ping to the replica that does not hold the
// feed's lease makes the holder fetch at once; after the holder is killed
// (SIGKILL) the other takes the lease over when it ends and polls.
func TestReplicasFeedLease(t *testing.T) {
	fleet := newFleet(t, 20, nil)
	lease := 5 * time.Second
	rs := newReplicaSet(t, fleet, replicaOptions{n: 2, lease: lease, pollInterval: time.Hour}) // only pings and takeovers poll
	rs.start()
	holder := waitHolder(t, rs, nil)
	other := rs.nodes[0]
	if other == holder {
		other = rs.nodes[1]
	}
	rs.feed.publish("9103")
	ping(t, other, rs.feed.URL)
	waitCreates(t, rs, fleet, 1)

	holder.kill()
	killed := time.Now()
	rs.feed.publish("9104")
	if got := waitHolder(t, rs, holder); got != other {
		t.Fatalf("the feed's lease went to %v, want the surviving replica", got)
	}
	took := time.Since(killed)
	waitCreates(t, rs, fleet, 2)
	if v := rs.metric(other, `herald_lease_takeovers_total{kind="feed"}`); v != 1 {
		t.Errorf("herald_lease_takeovers_total{kind=\"feed\"} = %v on the survivor, want 1", v)
	}
	other.stop()
	t.Logf("feed lease: the surviving replica took the feed over %s after the kill (lease %s)", took.Round(time.Millisecond), lease)
}

// waitHolder waits for a running replica other than not to hold the feed
// lease, and returns it.
func waitHolder(t *testing.T, rs *replicaSet, not *instance) *instance {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if in := rs.replicaOf(rs.feedHolder()); in != nil && in != not {
			return in
		}
	}
	t.Fatalf("no replica took the feed's lease\n%s", rs.logs())
	return nil
}

// ping sends a change notification for feedURL to the replica in.
func ping(t *testing.T, in *instance, feedURL string) {
	t.Helper()
	resp, err := http.Post(in.base+"/ping?url="+url.QueryEscape(feedURL), "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("ping: HTTP %d", resp.StatusCode)
	}
}

// waitCreates waits until every host has want distinct Creates (bounded).
func waitCreates(t *testing.T, rs *replicaSet, fleet *fedtest.Fleet, want int) {
	t.Helper()
	for deadline := time.Now().Add(2 * time.Minute); ; time.Sleep(20 * time.Millisecond) {
		short := 0
		for _, h := range fleet.Hosts() {
			byType, dups := h.Verified()
			if byType["Create"]-dups < want {
				short++
			}
		}
		if short == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d hosts have fewer than %d Creates\n%s", short, want, rs.logs())
		}
	}
}

// TestReplicasRollingRestart: while posts are published, each replica in
// turn is stopped (SIGTERM) and started again; every post reaches every
// host.
func TestReplicasRollingRestart(t *testing.T) {
	fleet := newFleet(t, 50, nil)
	rs := newReplicaSet(t, fleet, replicaOptions{n: 2, lease: 5 * time.Second, pollInterval: time.Second})
	rs.start()
	rs.nodes[0].initialised()
	posts := 0
	publish := func() {
		posts++
		rs.feed.publish(fmt.Sprint(9200 + posts))
	}
	for _, in := range rs.nodes {
		publish()
		in.stop()
		publish()
		time.Sleep(500 * time.Millisecond) // the other replica alone for a moment
		in.start()
		publish()
	}
	waitCreates(t, rs, fleet, posts)
	waitQueueEmpty(t, rs)
	for _, in := range rs.nodes {
		in.stop()
	}
	_, dups := deliveryCounts(fleet, "Create")
	t.Logf("rolling restart: %d posts, all on every one of %d hosts; %d duplicates", posts, len(fleet.Hosts()), dups)
}

// TestReplicasPingFlood: a burst of pings, sent to both replicas in turn,
// costs at most two fetches (one at once, one at the end of the ping
// interval), as with one process: the replicas coalesce through the
// database.
func TestReplicasPingFlood(t *testing.T) {
	fleet := newFleet(t, 1, nil)
	rs := newReplicaSet(t, fleet, replicaOptions{n: 2, lease: 10 * time.Second, pollInterval: time.Hour}) // no takeover polls
	rs.start()
	waitHolder(t, rs, nil)
	for deadline := time.Now().Add(time.Minute); rs.feed.fetchCount() == 0; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the feed was never fetched")
		}
	}
	before := rs.feed.fetchCount()
	for i := range 20 {
		ping(t, rs.nodes[i%2], rs.feed.URL)
	}
	for deadline := time.Now().Add(time.Minute); rs.feed.fetchCount() < before+2; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d fetches after the pings, want 2\n%s", rs.feed.fetchCount()-before, rs.logs())
		}
	}
	time.Sleep(6 * time.Second) // past another ping interval (5 s): no third fetch comes
	if got := rs.feed.fetchCount() - before; got != 2 {
		t.Errorf("20 pings to two replicas caused %d fetches, want 2", got)
	}
	for _, in := range rs.nodes {
		in.stop()
	}
}

func TestReplicasFanOutSmall(t *testing.T) { runReplicasFanOut(t, replicaN) }

func TestReplicasKillSmall(t *testing.T) { runReplicasKill(t, replicaN, replicaN/3) }
