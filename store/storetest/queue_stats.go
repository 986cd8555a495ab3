package storetest

import (
	"reflect"
	"testing"
	"time"

	"herald/store"
)

// checkQueueStats: depth, due count, oldest job and next due time.
func checkQueueStats(t *testing.T, b Backend) {
	if q, err := b.QueueStats(t0); err != nil || q != (store.QueueStats{}) {
		t.Errorf("empty queue: %+v, %v", q, err)
	}
	oldest := queueJob(t, b, "https://h.example/c", "https://a.example/inbox", t0.Add(-3*time.Hour))
	if _, err := b.RetryJob(oldest, t0, "500"); err != nil { // created 3h ago, due now
		t.Fatal(err)
	}
	queueJob(t, b, "https://h.example/a", "https://a.example/inbox", t0.Add(-time.Minute))
	queueJob(t, b, "https://h.example/b", "https://a.example/inbox", t0.Add(time.Hour))
	q, err := b.QueueStats(t0)
	want := store.QueueStats{Depth: 3, Due: 2, OldestCreated: t0.Add(-3 * time.Hour), NextDue: t0.Add(-time.Minute)}
	if err != nil || !reflect.DeepEqual(q, want) {
		t.Errorf("QueueStats = %+v, %v; want %+v", q, err, want)
	}
	if age := q.OldestAge(t0); age != 3*time.Hour {
		t.Errorf("OldestAge = %s, want 3h", age)
	}
	if q, _ := b.QueueStats(t0.Add(-2 * time.Minute)); q.Due != 0 || q.Depth != 3 {
		t.Errorf("QueueStats before any is due = %+v", q)
	}
}

// checkHosts: a host's state is stored by the outcome that carries it,
// replaced by the next, and kept when an outcome carries none.
func checkHosts(t *testing.T, b Backend) {
	if hosts, err := b.Hosts(); err != nil || len(hosts) != 0 {
		t.Errorf("Hosts of an empty store = %+v, %v", hosts, err)
	}
	j, other := twoJobs(t, b, "https://h.example/a")
	failing := store.HostState{Host: "a.example", State: "failing", Failures: 1, LastError: "timeout", LastFailure: t0}
	ok := store.HostState{Host: "a.example", State: "ok", LastSuccess: t0.Add(time.Minute)}
	b2 := store.HostState{Host: "b.example:8443", State: "held", Failures: 5, HeldUntil: t0.Add(time.Hour), Cooldown: 90 * time.Second}
	steps := []struct {
		o    store.Outcome
		want map[string]store.HostState
	}{
		{store.Outcome{Job: j, Kind: store.Retry, Next: t0.Add(time.Hour), Host: &failing}, map[string]store.HostState{"a.example": failing}},
		{store.Outcome{Job: other, Kind: store.Failed, Host: &b2}, map[string]store.HostState{"a.example": failing, b2.Host: b2}},
	}
	for i, st := range steps {
		if _, err := b.Record(st.o); err != nil {
			t.Fatal(err)
		}
		if hosts, err := b.Hosts(); err != nil || !reflect.DeepEqual(hosts, st.want) {
			t.Errorf("step %d: Hosts = %+v, %v; want %+v", i, hosts, err, st.want)
		}
	}
	moved := jobsOf(t, b, j.ActivityID)
	if _, err := b.Record(store.Outcome{Job: moved[0], Kind: store.Delivered, Host: &ok}); err != nil {
		t.Fatal(err)
	}
	if hosts, _ := b.Hosts(); !reflect.DeepEqual(hosts, map[string]store.HostState{"a.example": ok, b2.Host: b2}) {
		t.Errorf("Hosts = %+v, want a.example replaced", hosts)
	}
}
