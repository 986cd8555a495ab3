package storetest

import (
	"errors"
	"testing"
	"time"

	"herald/store"
)

var claimChecks = []check{
	{"ClaimJobs/once per owner until the lease ends", checkClaimJobs},
	{"ClaimJobs/skip and limit", checkClaimJobsSkip},
	{"Record/refused after a takeover", checkRecordTakenOver},
	{"Record/a retry ends the claim", checkRetryEndsClaim},
	{"RenewClaims and ReleaseClaims", checkRenewRelease},
	{"ClaimStats", checkClaimStats},
}

// claimJobs claims for owner at now with a minute's lease, failing the
// test on an error.
func claimJobs(t *testing.T, b Backend, owner string, now time.Time, limit int) (jobs []store.Job, takenOver int) {
	t.Helper()
	jobs, takenOver, err := b.ClaimJobs(owner, now, now.Add(time.Minute), limit, nil)
	if err != nil {
		t.Fatalf("ClaimJobs(%s): %v", owner, err)
	}
	return jobs, takenOver
}

// queuePoll queues testPost(key)'s Create for pollFollowers at t0.
func queuePoll(t *testing.T, b Backend, key string) store.Post {
	t.Helper()
	importFollowers(t, b, "blog", pollFollowers...)
	p := testPost(key, t0)
	if _, err := b.ApplyPoll("blog", store.FeedState{}, []store.Post{p}, true, t0); err != nil {
		t.Fatal(err)
	}
	return p
}

// checkClaimJobs: a claimed job is not claimed again, by anyone, while its
// lease runs; after it another owner takes it over, counted.
func checkClaimJobs(t *testing.T, b Backend) {
	queuePoll(t, b, "one")
	if jobs, _ := claimJobs(t, b, "a", t0.Add(-time.Second), 10); len(jobs) != 0 {
		t.Errorf("claimed %d jobs before they are due", len(jobs))
	}
	jobs, taken := claimJobs(t, b, "a", t0, 10)
	if len(jobs) != len(pollInboxes) || taken != 0 {
		t.Fatalf("a claimed %d jobs (%d taken over), want %d (0)", len(jobs), taken, len(pollInboxes))
	}
	for i, j := range jobs {
		if j.Inbox != pollInboxes[i] || j.Handle != "blog" {
			t.Errorf("job %d = %+v", i, j)
		}
	}
	if again, _ := claimJobs(t, b, "b", t0.Add(time.Minute), 10); len(again) != 0 {
		t.Errorf("b claimed %d jobs while a's lease runs", len(again))
	}
	if again, _ := claimJobs(t, b, "a", t0.Add(time.Minute), 10); len(again) != 0 {
		t.Errorf("a claimed %d of its own jobs again", len(again))
	}
	if n, err := b.PendingJobs(); err != nil || n != len(pollInboxes) {
		t.Errorf("PendingJobs = %d, %v: claimed jobs stay queued", n, err)
	}
	later := t0.Add(time.Minute + time.Second)
	over, taken := claimJobs(t, b, "b", later, 10)
	if len(over) != len(pollInboxes) || taken != len(pollInboxes) {
		t.Errorf("after the lease b claimed %d jobs, %d taken over; want %d", len(over), taken, len(pollInboxes))
	}
}

// checkClaimJobsSkip: skip passes jobs over (they stay claimable) and the
// limit holds.
func checkClaimJobsSkip(t *testing.T, b Backend) {
	queuePoll(t, b, "one")
	skipFirst := func(_, inbox []byte) bool { return string(inbox) == pollInboxes[0] }
	jobs, _, err := b.ClaimJobs("a", t0, t0.Add(time.Minute), 2, skipFirst)
	if err != nil || len(jobs) != 2 || jobs[0].Inbox != pollInboxes[1] || jobs[1].Inbox != pollInboxes[2] {
		t.Fatalf("ClaimJobs skipping the first, limit 2 = %+v, %v", jobs, err)
	}
	rest, _ := claimJobs(t, b, "b", t0, 10)
	if len(rest) != 2 || rest[0].Inbox != pollInboxes[0] || rest[1].Inbox != pollInboxes[3] {
		t.Errorf("b claimed %+v, want the first and the last", rest)
	}
	if got, err := b.DueJobs(t0, 10, nil); err != nil || len(got) != len(pollInboxes) {
		t.Errorf("DueJobs = %d jobs, %v: it reads claimed jobs too", len(got), err)
	}
}

// checkRecordTakenOver: an outcome from an owner whose claim was taken
// over is refused and changes nothing; the new owner's counts once.
func checkRecordTakenOver(t *testing.T, b Backend) {
	p := queuePoll(t, b, "one")
	slow, _ := claimJobs(t, b, "slow", t0, 1)
	later := t0.Add(2 * time.Minute)
	fast, taken := claimJobs(t, b, "fast", later, 1)
	if len(slow) != 1 || len(fast) != 1 || taken != 1 || fast[0].Inbox != slow[0].Inbox {
		t.Fatalf("claims: slow %+v, fast %+v, %d taken over", slow, fast, taken)
	}
	_, err := b.Record(store.Outcome{Job: slow[0], Kind: store.Delivered, Owner: "slow"})
	if !errors.Is(err, store.ErrLeaseLost) {
		t.Errorf("Record by the owner whose claim was taken over: %v, want ErrLeaseLost", err)
	}
	if _, err := b.Record(store.Outcome{Job: fast[0], Kind: store.Delivered, Owner: "fast"}); err != nil {
		t.Fatalf("Record by the owner: %v", err)
	}
	if _, err := b.Record(store.Outcome{Job: slow[0], Kind: store.Delivered, Owner: "slow"}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Record of a finished job: %v, want ErrNotFound", err)
	}
	st, _, err := b.DeliveryStats(p.Activity.ID)
	if err != nil || st.Delivered != 1 || st.Pending() != len(pollInboxes)-1 {
		t.Errorf("DeliveryStats = %+v, %v; want one delivered", st, err)
	}
}

// checkRetryEndsClaim: a retried job is claimable again when it is due,
// by anyone, without a takeover.
func checkRetryEndsClaim(t *testing.T, b Backend) {
	queuePoll(t, b, "one")
	jobs, _ := claimJobs(t, b, "a", t0, 1)
	if len(jobs) != 1 {
		t.Fatalf("claimed %d jobs", len(jobs))
	}
	next := t0.Add(10 * time.Second)
	moved, err := b.Record(store.Outcome{Job: jobs[0], Kind: store.Retry, Next: next, Error: "HTTP 500", Owner: "a"})
	if err != nil || moved.Attempts != 1 || !moved.NextAttempt.Equal(next) {
		t.Fatalf("Record retry = %+v, %v", moved, err)
	}
	got, taken := claimJobs(t, b, "b", next, 10)
	if len(got) != len(pollInboxes) || taken != 0 || got[len(got)-1].Inbox != jobs[0].Inbox {
		t.Errorf("b claimed %+v (%d taken over); want every job, the retried one last", got, taken)
	}
}

// checkRenewRelease: a renewed claim outlives its first lease; a released
// one is claimable at once; renewing or releasing another's changes
// nothing.
func checkRenewRelease(t *testing.T, b Backend) {
	queuePoll(t, b, "one")
	jobs, _ := claimJobs(t, b, "a", t0, 10)
	if n, err := b.RenewClaims("b", jobs, t0.Add(time.Hour)); err != nil || n != 0 {
		t.Errorf("RenewClaims by another owner = %d, %v", n, err)
	}
	if n, err := b.RenewClaims("a", jobs[:2], t0.Add(time.Hour)); err != nil || n != 2 {
		t.Errorf("RenewClaims = %d, %v; want 2", n, err)
	}
	if err := b.ReleaseClaims("b", jobs[2:3]); err != nil {
		t.Fatal(err)
	}
	if err := b.ReleaseClaims("a", jobs[3:]); err != nil {
		t.Fatal(err)
	}
	got, _ := claimJobs(t, b, "b", t0.Add(30*time.Second), 10)
	if len(got) != 1 || got[0].Inbox != jobs[3].Inbox {
		t.Errorf("after a released one: b claimed %+v, want %s", got, jobs[3].Inbox)
	}
	got, _ = claimJobs(t, b, "b", t0.Add(2*time.Minute), 10)
	if len(got) != 2 || got[0].Inbox != jobs[2].Inbox || got[1].Inbox != jobs[3].Inbox {
		t.Errorf("after the first lease: b claimed %+v, want %s and %s (the renewed ones are a's)", got, jobs[2].Inbox, jobs[3].Inbox)
	}
	if n, err := b.ReleaseAllClaims("a"); err != nil || n != 2 {
		t.Errorf("ReleaseAllClaims = %d, %v; want 2", n, err)
	}
	if got, _ := claimJobs(t, b, "c", t0.Add(2*time.Minute), 10); len(got) != 2 {
		t.Errorf("after ReleaseAllClaims c claimed %d jobs, want 2", len(got))
	}
}

// checkClaimStats: the claims by owner, with the oldest job's creation
// and the last lease end.
func checkClaimStats(t *testing.T, b Backend) {
	if got, err := b.ClaimStats(); err != nil || len(got) != 0 {
		t.Errorf("ClaimStats of an empty queue = %+v, %v", got, err)
	}
	queuePoll(t, b, "one")
	if _, _, err := b.ClaimJobs("a", t0, t0.Add(time.Minute), 3, nil); err != nil {
		t.Fatal(err)
	}
	if _, _, err := b.ClaimJobs("b", t0, t0.Add(time.Hour), 3, nil); err != nil {
		t.Fatal(err)
	}
	want := []store.ReplicaClaims{
		{Owner: "a", Jobs: 3, OldestCreated: t0, Until: t0.Add(time.Minute)},
		{Owner: "b", Jobs: 1, OldestCreated: t0, Until: t0.Add(time.Hour)},
	}
	got, err := b.ClaimStats()
	if err != nil || len(got) != 2 {
		t.Fatalf("ClaimStats = %+v, %v", got, err)
	}
	for i := range want {
		g := got[i]
		if g.Owner != want[i].Owner || g.Jobs != want[i].Jobs || !g.OldestCreated.Equal(want[i].OldestCreated) || !g.Until.Equal(want[i].Until) {
			t.Errorf("ClaimStats[%d] = %+v, want %+v", i, g, want[i])
		}
	}
}
