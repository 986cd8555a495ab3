package storetest

import (
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"herald/store"
)

var recordChecks = []check{
	{"Record/outcomes", checkRecordOutcomes},
	{"Record/invalid outcomes change nothing", checkRecordInvalid},
	{"Record/stale copies change nothing", checkRecordStale},
	{"Record/concurrent outcomes each count once", checkRecordConcurrent},
	{"RetryJob", checkRetryJob},
	{"FinishJob", checkFinishJob},
	{"QueueStats", checkQueueStats},
	{"Hosts", checkHosts},
}

// twoJobs queues the activity id to two inboxes and returns the jobs.
func twoJobs(t *testing.T, b Backend, id string) (j, other store.Job) {
	t.Helper()
	j = queueJob(t, b, id, "https://a.example/inbox", t0)
	if _, err := b.QueueJob("blog", j.ActivityID, "https://b.example/inbox", t0); err != nil {
		t.Fatal(err)
	}
	other = j
	other.Inbox = "https://b.example/inbox"
	return j, other
}

// checkRecordOutcomes: each kind of outcome removes or moves the job,
// counts it, and stores the host's state; a finished job cannot be
// recorded again.
func checkRecordOutcomes(t *testing.T, b Backend) {
	for _, tt := range []struct {
		name string
		kind store.OutcomeKind
		want store.ActivityStats
		left int
	}{
		{"delivered", store.Delivered, store.ActivityStats{Queued: 2, Delivered: 1}, 1},
		{"failed", store.Failed, store.ActivityStats{Queued: 2, Failed: 1, LastError: "HTTP 400"}, 1},
		{"retry", store.Retry, store.ActivityStats{Queued: 2}, 2},
	} {
		t.Run(tt.name, func(t *testing.T) {
			j, _ := twoJobs(t, b, "https://h.example/"+tt.name)
			host := &store.HostState{Host: tt.name + ".example", State: "held", Failures: 3, LastError: "HTTP 400",
				LastFailure: t0, LastSuccess: t0.Add(-time.Hour), HeldUntil: t0.Add(time.Minute), Cooldown: time.Minute}
			o := store.Outcome{Job: j, Kind: tt.kind, Next: t0.Add(time.Hour), Error: "HTTP 400", Host: host}
			if _, err := b.Record(o); err != nil {
				t.Fatal(err)
			}
			st, found, err := b.DeliveryStats(j.ActivityID)
			if err != nil || !found || st != tt.want || st.Pending() != tt.left {
				t.Errorf("DeliveryStats = %+v, %t, %v; want %+v", st, found, err, tt.want)
			}
			if n := len(jobsOf(t, b, j.ActivityID)); n != tt.left {
				t.Errorf("%d jobs queued, want %d", n, tt.left)
			}
			if hosts, err := b.Hosts(); err != nil || hosts[host.Host] != *host {
				t.Errorf("Hosts = %+v, %v; want %+v", hosts, err, *host)
			}
			if _, err := b.Record(store.Outcome{Job: j, Kind: store.Delivered}); tt.kind != store.Retry && !errors.Is(err, store.ErrNotFound) {
				t.Errorf("second Record of a finished job: %v, want ErrNotFound", err)
			}
		})
	}
}

// checkRecordInvalid: an unknown kind, or a retry at a time out of range,
// fails and leaves the job, its counts and its host alone.
func checkRecordInvalid(t *testing.T, b Backend) {
	j, _ := twoJobs(t, b, "https://h.example/a")
	host := &store.HostState{Host: "a.example", State: "held"}
	for _, o := range []store.Outcome{
		{Job: j, Kind: 0, Host: host},
		{Job: j, Kind: store.Retry, Host: host}, // Next is the zero time
	} {
		if _, err := b.Record(o); err == nil {
			t.Errorf("Record(kind %d, next %v) succeeded", o.Kind, o.Next)
		}
	}
	if got := jobsOf(t, b, j.ActivityID); len(got) != 2 || !reflect.DeepEqual(got[0], j) {
		t.Errorf("jobs = %+v, want both unchanged", got)
	}
	if st, _, _ := b.DeliveryStats(j.ActivityID); st != (store.ActivityStats{Queued: 2}) {
		t.Errorf("DeliveryStats = %+v", st)
	}
	if hosts, _ := b.Hosts(); len(hosts) != 0 {
		t.Errorf("Hosts = %+v, want none", hosts)
	}
}

// checkRecordStale: once a job is finished or moved, the copy a worker
// held cannot be recorded: it neither comes back nor counts, nor changes
// its host.
func checkRecordStale(t *testing.T, b Backend) {
	j, other := twoJobs(t, b, "https://h.example/a")
	if err := b.FinishJob(j); err != nil {
		t.Fatal(err)
	}
	moved, err := b.RetryJob(other, t0.Add(time.Hour), "first")
	if err != nil {
		t.Fatal(err)
	}
	host := &store.HostState{Host: "a.example", State: "failing", Failures: 1}
	for _, stale := range []store.Job{j, other} {
		for _, kind := range []store.OutcomeKind{store.Delivered, store.Failed, store.Retry} {
			o := store.Outcome{Job: stale, Kind: kind, Next: t0.Add(2 * time.Hour), Error: "stale", Host: host}
			if _, err := b.Record(o); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("Record(%d) of the stale copy of %s: %v, want ErrNotFound", kind, stale.Inbox, err)
			}
		}
	}
	if got := dueJobs(t, b); !reflect.DeepEqual(got, []store.Job{moved}) {
		t.Errorf("jobs = %+v, want only %+v", got, moved)
	}
	if st, _, _ := b.DeliveryStats(j.ActivityID); st != (store.ActivityStats{Queued: 2, Delivered: 1}) {
		t.Errorf("DeliveryStats = %+v, want one delivery", st)
	}
	if hosts, _ := b.Hosts(); len(hosts) != 0 {
		t.Errorf("Hosts = %+v, want none", hosts)
	}
}

// checkRecordConcurrent: many outcomes recorded at once all land, and a
// job recorded twice at once (two workers, or a write run twice) is
// counted once: one of the two gets ErrNotFound.
func checkRecordConcurrent(t *testing.T, b Backend) {
	var jobs []store.Job
	first := queueJob(t, b, "https://h.example/a", "https://h0.example/inbox", t0)
	jobs = append(jobs, first)
	for i := 1; i < 200; i++ {
		j := first
		j.Inbox = fmt.Sprintf("https://h%d.example/inbox", i)
		if _, err := b.QueueJob("blog", j.ActivityID, j.Inbox, t0); err != nil {
			t.Fatal(err)
		}
		jobs = append(jobs, j)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	notFound := 0
	for i, j := range jobs {
		kind := store.Delivered
		if i%4 == 0 {
			kind = store.Retry
		}
		for range 2 {
			wg.Go(func() {
				_, err := b.Record(store.Outcome{Job: j, Kind: kind, Next: t0.Add(time.Hour)})
				mu.Lock()
				defer mu.Unlock()
				if errors.Is(err, store.ErrNotFound) {
					notFound++
				} else if err != nil {
					t.Error(err)
				}
			})
		}
	}
	wg.Wait()
	if notFound != len(jobs) {
		t.Errorf("%d records found their job gone, want %d (one of each pair)", notFound, len(jobs))
	}
	if st, _, _ := b.DeliveryStats(first.ActivityID); st != (store.ActivityStats{Queued: 200, Delivered: 150}) {
		t.Errorf("stats = %+v, want 150 delivered, 50 pending", st)
	}
	retried, _ := b.DueJobs(farFuture, 1000, nil)
	for _, j := range retried {
		if j.Attempts != 1 || !j.NextAttempt.Equal(t0.Add(time.Hour)) {
			t.Errorf("retried job %+v, want one attempt, due an hour later", j)
		}
	}
	if len(retried) != 50 {
		t.Errorf("%d jobs left, want 50", len(retried))
	}
}

// checkRetryJob: each failed attempt counts, moves the job to its next
// time and keeps the error; the job is due only from then.
func checkRetryJob(t *testing.T, b Backend) {
	j := queueJob(t, b, "https://h.example/a", "https://a.example/inbox", t0)
	for attempt := 1; attempt <= 2; attempt++ {
		next := t0.Add(time.Duration(attempt) * time.Hour)
		got, err := b.RetryJob(j, next, "503 Service Unavailable")
		if err != nil {
			t.Fatalf("attempt %d: RetryJob: %v", attempt, err)
		}
		want := j
		want.Attempts, want.NextAttempt, want.LastError = attempt, next, "503 Service Unavailable"
		if !reflect.DeepEqual(got, want) {
			t.Errorf("attempt %d: RetryJob = %+v, want %+v", attempt, got, want)
		}
		if due, _ := b.DueJobs(next.Add(-time.Microsecond), 10, nil); len(due) != 0 {
			t.Errorf("attempt %d: due before its time: %+v", attempt, due)
		}
		if due, err := b.DueJobs(next, 10, nil); err != nil || !reflect.DeepEqual(due, []store.Job{want}) {
			t.Errorf("attempt %d: DueJobs = %+v, %v; want [%+v]", attempt, due, err, want)
		}
		if n, _ := b.PendingJobs(); n != 1 {
			t.Errorf("attempt %d: PendingJobs = %d, want 1", attempt, n)
		}
		j = got
	}
	if st, _, _ := b.DeliveryStats(j.ActivityID); st != (store.ActivityStats{Queued: 1}) {
		t.Errorf("DeliveryStats = %+v, want a retry not counted", st)
	}
}

// checkFinishJob: a delivered job leaves the queue and counts; finishing
// it again is no error and counts nothing.
func checkFinishJob(t *testing.T, b Backend) {
	a, other := twoJobs(t, b, "https://h.example/a")
	c := queueJob(t, b, "https://h.example/b", "https://a.example/inbox", t0)
	if err := b.FinishJob(a); err != nil {
		t.Fatal(err)
	}
	if due, err := b.DueJobs(t0, 10, nil); err != nil || !reflect.DeepEqual(due, []store.Job{other, c}) {
		t.Errorf("DueJobs after FinishJob = %+v, %v", due, err)
	}
	if err := b.FinishJob(a); err != nil {
		t.Errorf("FinishJob of a finished job: %v", err)
	}
	if st, _, _ := b.DeliveryStats(a.ActivityID); st != (store.ActivityStats{Queued: 2, Delivered: 1}) {
		t.Errorf("DeliveryStats = %+v, want one delivery", st)
	}
}
