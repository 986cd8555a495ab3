package storetest

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"herald/store"
)

var jobChecks = []check{
	{"QueueJob", checkQueueJob},
	{"QueueActivity", checkQueueActivity},
	{"PostponeJobs", checkPostponeJobs},
	{"DueJobsFunc", checkDueJobsFunc},
	{"NextDue", checkNextDue},
	{"jobs/queued once per activity and inbox", checkJobsIdempotent},
	{"DueJobs/order, limit and skip", checkDueJobs},
	{"DueJobs/skipping many", checkDueJobsSkippingMany},
}

// checkJobsIdempotent: the jobs a poll queues carry the account and the
// time, count in their activity's stats, and are not queued again while
// pending.
func checkJobsIdempotent(t *testing.T, b Backend) {
	importFollowers(t, b, "blog", pollFollowers...)
	p := testPost("one", t0)
	if n, err := b.ApplyPoll("blog", store.FeedState{}, []store.Post{p}, true, t0); err != nil || n != len(pollInboxes) {
		t.Fatalf("ApplyPoll = %d, %v; want %d", n, err, len(pollInboxes))
	}
	if n, err := b.ApplyPoll("blog", store.FeedState{}, []store.Post{p}, true, t0.Add(time.Hour)); err != nil || n != 0 {
		t.Fatalf("ApplyPoll again = %d, %v; want 0: the jobs are pending", n, err)
	}
	jobs, err := b.DueJobs(farFuture, 100, nil)
	if err != nil || len(jobs) != len(pollInboxes) {
		t.Fatalf("DueJobs = %+v, %v", jobs, err)
	}
	for i, j := range jobs {
		want := store.Job{ActivityID: p.Activity.ID, Inbox: pollInboxes[i], Handle: "blog", NextAttempt: t0, Created: t0}
		if !reflect.DeepEqual(j, want) {
			t.Errorf("job %d = %+v, want %+v", i, j, want)
		}
	}
	if n, err := b.PendingJobs(); err != nil || n != len(pollInboxes) {
		t.Errorf("PendingJobs = %d, %v", n, err)
	}
	st, found, err := b.DeliveryStats(p.Activity.ID)
	if err != nil || !found || st != (store.ActivityStats{Queued: len(pollInboxes)}) || st.Pending() != len(pollInboxes) {
		t.Errorf("DeliveryStats = %+v, %t, %v", st, found, err)
	}
	if _, found, err := b.DeliveryStats("https://h.example/never"); err != nil || found {
		t.Errorf("DeliveryStats of an activity never queued: found %t, %v", found, err)
	}
}

// checkDueJobs: due jobs come earliest first, then by activity id and
// inbox, up to the limit, without those skipped.
func checkDueJobs(t *testing.T, b Backend) {
	importFollowers(t, b, "blog", pollFollowers...)
	// Time before id: z's jobs are due first.
	first, second := testPost("z", t0), testPost("a", t0)
	for i, p := range []store.Post{second, first} {
		at := t0.Add(time.Duration(1-i) * time.Minute)
		if _, err := b.ApplyPoll("blog", store.FeedState{}, []store.Post{p}, true, at); err != nil {
			t.Fatal(err)
		}
	}
	var want []store.Job
	for _, p := range []store.Post{first, second} {
		for _, inbox := range pollInboxes {
			want = append(want, store.Job{ActivityID: p.Activity.ID, Inbox: inbox})
		}
	}
	pairs := func(jobs []store.Job) []store.Job {
		var out []store.Job
		for _, j := range jobs {
			out = append(out, store.Job{ActivityID: j.ActivityID, Inbox: j.Inbox})
		}
		return out
	}
	if got, err := b.DueJobs(t0, 100, nil); err != nil || !reflect.DeepEqual(pairs(got), want[:4]) {
		t.Errorf("DueJobs at t0 = %+v, %v; want the first post's", pairs(got), err)
	}
	if got, _ := b.DueJobs(farFuture, 5, nil); !reflect.DeepEqual(pairs(got), want[:5]) {
		t.Errorf("DueJobs limit 5 = %+v", pairs(got))
	}
	skipA := func(j store.Job) bool { return j.Inbox == pollInboxes[0] }
	if got, _ := b.DueJobs(farFuture, 3, skipA); !reflect.DeepEqual(pairs(got), want[1:4]) {
		t.Errorf("DueJobs skipping %s = %+v", pollInboxes[0], pairs(got))
	}
	if got, err := b.DueJobs(farFuture, 0, nil); err != nil || got != nil {
		t.Errorf("DueJobs limit 0 = %+v, %v", got, err)
	}
	if got, _ := b.DueJobs(t0.Add(-time.Second), 10, nil); len(got) != 0 {
		t.Errorf("DueJobs before any is due = %+v", got)
	}
}

// checkDueJobsSkippingMany: the jobs after a long run of skipped ones are
// found (a backend may read the queue in chunks).
func checkDueJobsSkippingMany(t *testing.T, b Backend) {
	var followers []store.Follower
	for i := range 600 {
		id := fmt.Sprintf("https://a.example/u/%03d", i)
		followers = append(followers, store.Follower{ID: id, Inbox: id + "/inbox"})
	}
	importFollowers(t, b, "blog", followers...)
	if _, err := b.ApplyPoll("blog", store.FeedState{}, []store.Post{testPost("one", t0)}, true, t0); err != nil {
		t.Fatal(err)
	}
	last := func(j store.Job) bool { return j.Inbox < followers[597].Inbox }
	got, err := b.DueJobs(t0, 2, last)
	if err != nil || len(got) != 2 || got[0].Inbox != followers[597].Inbox || got[1].Inbox != followers[598].Inbox {
		t.Errorf("DueJobs skipping all but the last three = %+v, %v; want the first two of them", got, err)
	}
	if got, _ := b.DueJobs(t0, 1000, last); len(got) != 3 {
		t.Errorf("DueJobs = %d jobs, want the last three", len(got))
	}
}
