package bench

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"herald/delivery"
	"herald/fedtest"
	"herald/store"
)

// fanOut is the result of one fan-out run.
type fanOut struct {
	n       int
	took    time.Duration // publish → every healthy host has a verified Create
	signing time.Duration // n RSA-2048 signatures on all cores, same run (the faster of before and after)
	floor   time.Duration // the same fan-out by a sender that only signs and posts (floorFanOut)
	rss     int64         // Herald's peak RSS
	cpu     time.Duration // Herald's CPU time during the fan-out
	signCPU time.Duration // CPU time of n pure signatures
}

func (r fanOut) ratio() float64 { return r.took.Seconds() / r.signing.Seconds() }

// runFanOut publishes one item to n followers on n hosts and waits for
// every verified Create.
func runFanOut(t *testing.T, n int) fanOut {
	fleet := newFleet(t, n, nil)
	defer fleet.Close()
	in := newInstance(t, fleet, true, 10*time.Second)
	in.start()
	in.initialised()
	before := signingTime(t, n)
	cpu0 := in.cpuTime()
	in.feed.publish("9001")
	if err := fleet.WaitReached(ctxFor(t, 10*time.Minute), "Create", n); err != nil {
		t.Fatal(err)
	}
	res := fanOut{n: n, took: time.Since(in.feed.publishedAt()), rss: in.peakRSS(), cpu: in.cpuTime() - cpu0}
	in.stop()
	after := signingTime(t, n)
	res.signing = min(before, after)
	res.signCPU = signingCPU(t, n)
	fleet.Close() // before the floor's fleet takes its n sockets
	res.floor = floorFanOut(t, n)
	if missing, dups := deliveryCounts(fleet, "Create"); missing != 0 || dups != 0 {
		t.Errorf("%d hosts without the Create, %d duplicates", missing, dups)
	}
	for _, h := range fleet.Hosts() {
		if p := h.Problems(); len(p) > 0 {
			t.Fatalf("host %s rejected a delivery: %s", h.IP, p[0])
		}
	}
	if n, _ := in.openStore().PendingJobs(); n != 0 {
		t.Errorf("%d jobs left queued", n)
		t.Logf("herald log:\n%.5000s", in.stderr.String())
	}
	t.Logf("fan-out N=%d: %s; pure signing %s (before %s, after %s); ratio %.2f; Herald peak RSS %d MiB",
		n, res.took.Round(time.Millisecond), res.signing.Round(time.Millisecond), before.Round(time.Millisecond), after.Round(time.Millisecond), res.ratio(), res.rss>>20)
	t.Logf("fan-out N=%d: Herald used %s of CPU; %d pure signatures use %s: CPU ratio %.2f",
		n, res.cpu.Round(10*time.Millisecond), n, res.signCPU.Round(10*time.Millisecond), res.cpu.Seconds()/res.signCPU.Seconds())
	t.Logf("fan-out N=%d: a sender that only signs and posts takes %s (%.2f × pure signing); Herald takes %.2f × that",
		n, res.floor.Round(time.Millisecond), res.floor.Seconds()/res.signing.Seconds(), res.took.Seconds()/res.floor.Seconds())
	return res
}

// faultOf plays 30 % of hosts failing: 10 % hang, 10 % answer 500, 5 %
// close the connection, and 5 % answer 410 Gone.
func faultOf(i int) fedtest.Fault {
	switch i % 10 {
	case 7:
		return fedtest.Hang
	case 8:
		return fedtest.Fail500
	case 9:
		if (i/10)%2 == 0 {
			return fedtest.CloseConn
		}
		return fedtest.Gone
	}
	return fedtest.Healthy
}

// runFaults fans out to n hosts of which 30 % fail; it returns the time
// until every healthy host had its Create, and checks afterwards that the
// failing ones are queued for a retry on the ladder's schedule and that
// the 410 ones lost their followers.
func runFaults(t *testing.T, n int, timeout time.Duration) time.Duration {
	fleet := newFleet(t, n, faultOf)
	defer fleet.Close()
	healthy := 0
	for _, h := range fleet.Hosts() {
		if h.Fault() == fedtest.Healthy {
			healthy++
		}
	}
	in := newInstance(t, fleet, true, timeout)
	in.start()
	in.initialised()
	in.feed.publish("9002")
	stopProgress := progress(t, fleet)
	defer stopProgress()
	if err := fleet.WaitReached(ctxFor(t, 10*time.Minute), "Create", healthy); err != nil {
		t.Fatal(err)
	}
	took := time.Since(in.feed.publishedAt())
	// Every failing host has been tried once; the hanging ones are cut
	// after the timeout.
	deadline := time.Now().Add(time.Minute)
	for !allTried(fleet) && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(timeout + time.Second)
	in.stop()
	if missing, dups := deliveryCounts(fleet, "Create"); missing != 0 || dups != 0 {
		t.Errorf("%d healthy hosts without the Create, %d duplicates", missing, dups)
	}
	failedBefore := t.Failed()
	checkFaultState(t, in.openStore(), fleet, timeout)
	if t.Failed() && !failedBefore {
		t.Logf("herald log:\n%.3000s", in.stderr.String())
	}
	t.Logf("faults N=%d: %d healthy hosts delivered in %s", n, healthy, took.Round(time.Millisecond))
	return took
}

func allTried(f *fedtest.Fleet) bool {
	for _, h := range f.Hosts() {
		if len(h.Posts()) == 0 {
			return false
		}
	}
	return true
}

// checkFaultState checks the store after a fault run: followers on 410
// hosts are gone, every other failing host has one job queued for the
// first retry of the ladder (16 s plus up to 60 s of jitter after the
// failure), and its host state records the failure.
func checkFaultState(t *testing.T, st *store.Store, fleet *fedtest.Fleet, timeout time.Duration) {
	t.Helper()
	followers, err := st.Followers("news")
	if err != nil {
		t.Fatal(err)
	}
	following := map[string]bool{}
	for _, f := range followers {
		following[f.ID] = true
	}
	jobs, err := st.DueJobs(time.Now().Add(24*time.Hour), 1<<20, nil)
	if err != nil {
		t.Fatal(err)
	}
	byInbox := map[string]store.Job{}
	for _, j := range jobs {
		byInbox[j.Inbox] = j
	}
	hosts, err := st.Hosts()
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range fleet.Hosts() {
		checkHost(t, h, following[h.ActorID()], byInbox[h.SharedInbox()], hosts, timeout)
	}
	if want := len(fleet.Hosts()) - countFault(fleet, fedtest.Healthy) - countFault(fleet, fedtest.Gone); len(jobs) != want {
		t.Errorf("%d jobs queued, want %d (one per failing host)", len(jobs), want)
		for i, j := range jobs {
			if i < 5 || i > len(jobs)-5 {
				t.Logf("job %+v", j)
			}
		}
	}
}

func checkHost(t *testing.T, h *fedtest.FleetHost, following bool, j store.Job, hosts map[string]store.HostState, timeout time.Duration) {
	t.Helper()
	switch h.Fault() {
	case fedtest.Healthy:
		return
	case fedtest.Gone:
		if following {
			t.Errorf("host %s answered 410 and still follows", h.IP)
		}
		return
	}
	posts := h.Posts()
	// The last post may have been in flight at shutdown: not an attempt.
	if !following || j.Attempts < 1 || (len(posts) != j.Attempts && len(posts) != j.Attempts+1) {
		t.Errorf("host %s (%s): following %t, job %+v after %d posts; want a retry queued after each", h.IP, h.Fault(), following, j, len(posts))
		return
	}
	next := j.NextAttempt
	if len(posts) > 1 {
		next = posts[1]
	}
	if wait := next.Sub(posts[0]); wait < 16*time.Second || wait > 76*time.Second+timeout+time.Second {
		t.Errorf("host %s: retry %s after the first try, outside the ladder's first step", h.IP, wait)
	}
	if st := hosts[h.IP+":"+portOf(h.Origin)]; st.State != "failing" || st.LastError == "" {
		t.Errorf("host %s: state %+v, want failing with the last error", h.IP, st)
	}
}

func portOf(origin string) string {
	return origin[len(origin)-len(origin[lastColon(origin)+1:]):]
}

func lastColon(s string) int {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == ':' {
			return i
		}
	}
	return -1
}

func countFault(f *fedtest.Fleet, fault fedtest.Fault) int {
	n := 0
	for _, h := range f.Hosts() {
		if h.Fault() == fault {
			n++
		}
	}
	return n
}

// runKill kills Herald with SIGKILL once killAfter hosts have the Create
// (with killAfter 0: as soon as the feed has served the new item, while the
// poll parses it and commits the fan-out), restarts it on the same data and
// waits for every host. The jobs still queued at the restart must be
// exactly the hosts not yet served plus the duplicates (requests that
// reached their host but whose outcome was not committed, at most
// delivery.DefaultWorkers), and each must be sent once. A kill before the
// poll's commit leaves no job: the restarted Herald finds the item new.
func runKill(t *testing.T, n, killAfter int) (duplicates, atKill int) {
	fleet := newFleet(t, n, nil)
	defer fleet.Close()
	in := newInstance(t, fleet, true, 10*time.Second)
	in.start()
	in.initialised()
	in.feed.publish("9003")
	if killAfter == 0 {
		for in.feed.publishedAt().IsZero() {
			time.Sleep(100 * time.Microsecond)
		}
		time.Sleep(time.Duration(rand.IntN(20)) * time.Millisecond) // somewhere in the poll
	}
	for fleet.Reached("Create") < killAfter {
		time.Sleep(time.Millisecond)
	}
	in.kill()
	time.Sleep(200 * time.Millisecond) // requests already on the wire land
	atKill = fleet.Reached("Create")
	st, err := store.Open(filepath.Join(in.dir, "data"))
	if err != nil {
		t.Fatal(err)
	}
	pending, err := st.PendingJobs()
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	in.start()
	if err := fleet.WaitReached(ctxFor(t, 10*time.Minute), "Create", n); err != nil {
		t.Fatal(err)
	}
	// Every host has the Create; the re-sends of the duplicates may still
	// be on their way. Let the queue run dry (bounded) before stopping.
	want := max(0, pending-(n-atKill))
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if _, d := deliveryCounts(fleet, "Create"); d >= want {
			break
		}
	}
	in.stop()
	missing, dups := deliveryCounts(fleet, "Create")
	if missing != 0 {
		t.Errorf("%d hosts never got the Create", missing)
	}
	if dups != want || dups > delivery.DefaultWorkers {
		t.Errorf("%d duplicates; %d jobs were queued at the restart for %d hosts not served: want %d, at most %d",
			dups, pending, n-atKill, want, delivery.DefaultWorkers)
	}
	if n, _ := in.openStore().PendingJobs(); n != 0 {
		t.Errorf("%d jobs left queued", n)
	}
	t.Logf("kill N=%d: killed with %d hosts served and %d jobs queued; all %d served after restart, %d duplicates", n, atKill, pending, n, dups)
	return dups, atKill
}

// runFollows has every host follow Herald (Follows signed beforehand) and
// waits for every verified Accept. Herald makes one signature per Follow,
// the Accept's: the fleet serves keys to unsigned GETs, as most servers do.
func runFollows(t *testing.T, n int) (took, signing time.Duration) {
	fleet := newFleet(t, n, nil)
	defer fleet.Close()
	in := newInstance(t, fleet, false, 10*time.Second)
	in.start()
	in.initialised()
	follows, err := fleet.SignFollows(in.base+"/users/news", in.base+"/inbox", runtime.NumCPU())
	if err != nil {
		t.Fatal(err)
	}
	before := signingTime(t, n)
	cpu0 := in.cpuTime()
	start := time.Now()
	statuses := follows.Send(ctxFor(t, 10*time.Minute), 64)
	if statuses[202] != n {
		t.Fatalf("Follow answers: %v, want %d × 202", statuses, n)
	}
	if err := fleet.WaitReached(ctxFor(t, 10*time.Minute), "Accept", n); err != nil {
		t.Fatal(err)
	}
	took = time.Since(start)
	cpu := in.cpuTime() - cpu0
	in.stop()
	signing = min(before, signingTime(t, n))
	fleet.Close() // before the floor's fleet takes its n sockets
	if missing, dups := deliveryCounts(fleet, "Accept"); missing != 0 || dups != 0 {
		t.Errorf("%d hosts without the Accept, %d duplicates", missing, dups)
	}
	if got, _ := in.openStore().FollowerCount("news"); got != n {
		t.Errorf("%d followers, want %d", got, n)
	}
	floor := floorFollows(t, n)
	t.Logf("follows N=%d: all Accepts in %s; %d pure signatures take %s; ratio %.2f; Herald used %s of CPU",
		n, took.Round(time.Millisecond), n, signing.Round(time.Millisecond), took.Seconds()/signing.Seconds(), cpu.Round(10*time.Millisecond))
	t.Logf("follows N=%d: a receiver that only verifies and accepts takes %s (%.2f × pure signing); Herald takes %.2f × that",
		n, floor.Round(time.Millisecond), floor.Seconds()/signing.Seconds(), took.Seconds()/floor.Seconds())
	return took, signing
}

// The small variants run in the normal suite as correctness tests.

const smallN = 500

func TestFanOutSmall(t *testing.T) { runFanOut(t, smallN) }

func TestFaultsSmall(t *testing.T) { runFaults(t, smallN, 2*time.Second) }

func TestKillSmall(t *testing.T) { runKill(t, smallN, smallN/3) }

func TestKillDuringPollSmall(t *testing.T) { runKill(t, smallN, 0) }

func TestFollowsSmall(t *testing.T) { runFollows(t, smallN) }

// progress logs every second how many hosts have the Create, when
// HERALD_BENCH_PROGRESS is set.
func progress(t *testing.T, fleet *fedtest.Fleet) func() {
	if os.Getenv("HERALD_BENCH_PROGRESS") == "" {
		return func() {}
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				t.Logf("progress: %d hosts have the Create", fleet.Reached("Create"))
			}
		}
	})
	return func() { close(done); wg.Wait() }
}
