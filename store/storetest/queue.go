package storetest

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"herald/store"
)

// queueJob stores the activity id (as doc makes it) and queues it for
// inbox, due and created at at, signed by "blog".
func queueJob(t *testing.T, b Backend, id, inbox string, at time.Time) store.Job {
	t.Helper()
	if err := b.PutDocument(doc(id)); err != nil {
		t.Fatal(err)
	}
	if added, err := b.QueueJob("blog", id, inbox, at); err != nil || !added {
		t.Fatalf("QueueJob(%s, %s) = %t, %v", id, inbox, added, err)
	}
	return store.Job{ActivityID: id, Inbox: inbox, Handle: "blog", NextAttempt: at, Created: at}
}

// dueJobs returns every queued job, as DueJobs orders them.
func dueJobs(t *testing.T, b Backend) []store.Job {
	t.Helper()
	jobs, err := b.DueJobs(farFuture, 10000, nil)
	if err != nil {
		t.Fatal(err)
	}
	return jobs
}

// checkQueueJob: a job for a stored activity is queued once per inbox,
// counted once; an activity not stored or a zero time queues nothing.
func checkQueueJob(t *testing.T, b Backend) {
	const id, inbox = "https://h.example/a/1", "https://a.example/inbox"
	if _, err := b.QueueJob("blog", id, inbox, t0); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("QueueJob of an activity not stored: %v, want ErrNotFound", err)
	}
	j := queueJob(t, b, id, inbox, t0)
	if added, err := b.QueueJob("other", id, inbox, t0.Add(time.Hour)); err != nil || added {
		t.Errorf("QueueJob of a pending pair = %t, %v; want false", added, err)
	}
	if got := dueJobs(t, b); !reflect.DeepEqual(got, []store.Job{j}) {
		t.Errorf("jobs = %+v, want %+v", got, j)
	}
	if _, err := b.QueueJob("blog", id, "https://b.example/inbox", time.Time{}); err == nil {
		t.Error("QueueJob at the zero time succeeded")
	}
	if err := b.FinishJob(j); err != nil {
		t.Fatal(err)
	}
	if added, err := b.QueueJob("blog", id, inbox, t0.Add(time.Hour)); err != nil || !added {
		t.Errorf("QueueJob of a delivered pair = %t, %v; want true", added, err)
	}
	want := store.ActivityStats{Queued: 2, Delivered: 1}
	if st, found, err := b.DeliveryStats(id); err != nil || !found || st != want {
		t.Errorf("DeliveryStats = %+v, %t, %v; want %+v", st, found, err, want)
	}
}

// checkQueueActivity: an activity goes once to each unique inbox of the
// account's followers, again only where it is no longer pending, and with
// the key it is to be signed with.
func checkQueueActivity(t *testing.T, b Backend) {
	move := doc("https://h.example/blog/move")
	if n, err := b.QueueActivity("blog", move, t0); err != nil || n != 0 {
		t.Errorf("QueueActivity without followers = %d, %v; want 0", n, err)
	}
	importFollowers(t, b, "blog", pollFollowers...)
	move.JSON = []byte(`{"v":2}`)
	if n, err := b.QueueActivity("blog", move, t0); err != nil || n != len(pollInboxes) {
		t.Fatalf("QueueActivity = %d, %v; want %d", n, err, len(pollInboxes))
	}
	if raw, err := b.Document(move.ID); err != nil || string(raw) != `{"v":2}` {
		t.Errorf("Document = %s, %v; want the activity replaced", raw, err)
	}
	jobs := dueJobs(t, b)
	for i, j := range jobs {
		want := store.Job{ActivityID: move.ID, Inbox: pollInboxes[i], Handle: "blog", NextAttempt: t0, Created: t0}
		if !reflect.DeepEqual(j, want) {
			t.Errorf("job %d = %+v, want %+v", i, j, want)
		}
	}
	if err := b.FinishJob(jobs[0]); err != nil {
		t.Fatal(err)
	}
	if n, err := b.QueueActivity("blog", move, t0.Add(time.Hour)); err != nil || n != 1 {
		t.Errorf("QueueActivity again = %d, %v; want 1 (where it was delivered)", n, err)
	}
	update := doc("https://h.example/blog/update")
	if n, err := b.QueueActivitySignedWith("blog", "blog@previous", update, t0); err != nil || n != len(pollInboxes) {
		t.Fatalf("QueueActivitySignedWith = %d, %v", n, err)
	}
	for _, j := range jobsOf(t, b, update.ID) {
		if j.SignWith != "blog@previous" {
			t.Errorf("job to %s signed with %q, want blog@previous", j.Inbox, j.SignWith)
		}
	}
	if _, err := b.QueueActivity("blog", doc("https://h.example/blog/x"), time.Time{}); err == nil {
		t.Error("QueueActivity at the zero time succeeded")
	}
}

// jobsOf returns the queued jobs of activityID.
func jobsOf(t *testing.T, b Backend, activityID string) []store.Job {
	t.Helper()
	var out []store.Job
	for _, j := range dueJobs(t, b) {
		if j.ActivityID == activityID {
			out = append(out, j)
		}
	}
	return out
}

// checkPostponeJobs: the account's jobs due before the time move to it,
// except those signed with another key and those of other accounts.
func checkPostponeJobs(t *testing.T, b Backend) {
	accept := queueJob(t, b, "https://h.example/blog/accept", "https://a.example/u/1/inbox", t0)
	later := queueJob(t, b, "https://h.example/blog/later", "https://a.example/u/1/inbox", t0.Add(2*time.Hour))
	if err := b.PutDocument(doc("https://h.example/weather/accept")); err != nil {
		t.Fatal(err)
	}
	if _, err := b.QueueJob("weather", "https://h.example/weather/accept", "https://a.example/u/2/inbox", t0); err != nil {
		t.Fatal(err)
	}
	importFollowers(t, b, "blog", store.Follower{ID: "https://a.example/u/1", Inbox: "https://a.example/u/1/inbox"})
	if _, err := b.QueueActivitySignedWith("blog", "blog@previous", doc("https://h.example/blog/update"), t0); err != nil {
		t.Fatal(err)
	}
	until := t0.Add(time.Hour)
	if moved, err := b.PostponeJobs("blog", until); err != nil || moved != 1 {
		t.Fatalf("PostponeJobs = %d, %v; want the Accept only", moved, err)
	}
	if due, _ := b.DueJobs(t0.Add(30*time.Minute), 10, nil); len(due) != 2 {
		t.Errorf("%d jobs due before the postponement ends, want the other account's and the Update: %+v", len(due), due)
	}
	accept.NextAttempt = until
	if got := jobsOf(t, b, accept.ActivityID); !reflect.DeepEqual(got, []store.Job{accept}) {
		t.Errorf("postponed job = %+v, want %+v (no attempt counted)", got, accept)
	}
	if got := jobsOf(t, b, later.ActivityID); !reflect.DeepEqual(got, []store.Job{later}) {
		t.Errorf("job due after = %+v, want it unchanged", got)
	}
	if n, _ := b.PendingJobs(); n != 4 {
		t.Errorf("PendingJobs = %d, want 4 (none lost or doubled)", n)
	}
	if _, err := b.PostponeJobs("blog", time.Time{}); err == nil {
		t.Error("PostponeJobs to the zero time succeeded")
	}
}

// checkDueJobsFunc: skip sees each due job's activity id and inbox.
func checkDueJobsFunc(t *testing.T, b Backend) {
	a := queueJob(t, b, "https://h.example/a", "https://a.example/inbox", t0)
	bj := queueJob(t, b, "https://h.example/b", "https://a.example/inbox", t0)
	queueJob(t, b, "https://h.example/c", "https://a.example/inbox", t0.Add(time.Hour))
	skipA := func(activityID, inbox []byte) bool {
		return string(activityID) == a.ActivityID && string(inbox) == a.Inbox
	}
	if due, err := b.DueJobsFunc(t0, 10, skipA); err != nil || !reflect.DeepEqual(due, []store.Job{bj}) {
		t.Errorf("DueJobsFunc = %+v, %v; want b", due, err)
	}
	if due, err := b.DueJobsFunc(t0, 1, nil); err != nil || !reflect.DeepEqual(due, []store.Job{a}) {
		t.Errorf("DueJobsFunc limit 1 = %+v, %v; want a", due, err)
	}
	if due, err := b.DueJobsFunc(t0, 0, nil); err != nil || due != nil {
		t.Errorf("DueJobsFunc limit 0 = %+v, %v", due, err)
	}
}

// checkNextDue: the earliest due time, none for an empty queue.
func checkNextDue(t *testing.T, b Backend) {
	if at, ok, err := b.NextDue(); err != nil || ok || !at.IsZero() {
		t.Errorf("NextDue of an empty queue = %v, %t, %v", at, ok, err)
	}
	queueJob(t, b, "https://h.example/a", "https://a.example/inbox", t0.Add(time.Hour))
	queueJob(t, b, "https://h.example/b", "https://a.example/inbox", t0.Add(time.Minute))
	queueJob(t, b, "https://h.example/c", "https://a.example/inbox", t0.Add(2*time.Hour))
	if at, ok, err := b.NextDue(); err != nil || !ok || !at.Equal(t0.Add(time.Minute)) {
		t.Errorf("NextDue = %v, %t, %v; want %v", at, ok, err, t0.Add(time.Minute))
	}
}
