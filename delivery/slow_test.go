package delivery

import (
	"log/slog"
	"testing"
	"time"

	"herald/store"
)

// TestSlowRequestsFreeTheirSlots: requests still in flight after slowAfter
// stop counting against the workers, up to half of them; a slow request
// that ends gives its place in that half back.
func TestSlowRequestsFreeTheirSlots(t *testing.T) {
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	d := New(Options{Store: st, Log: slog.New(slog.DiscardHandler), Now: time.Now, Workers: 4, SlowAfter: 20 * time.Millisecond})
	var jobs []store.Job
	for _, inbox := range []string{"https://a.example/inbox", "https://b.example/inbox", "https://c.example/inbox"} {
		j := store.Job{ActivityID: "https://news.example/a/1", Inbox: inbox}
		if !d.claim(j, time.Now(), d.generation()) {
			t.Fatalf("claim %s refused", inbox)
		}
		jobs = append(jobs, j)
	}
	if n := d.busyCount(); n != 3 {
		t.Fatalf("busy = %d before any is slow, want 3", n)
	}
	deadline := time.Now().Add(5 * time.Second)
	for d.busyCount() != 1 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if n := d.busyCount(); n != 1 {
		t.Fatalf("busy = %d after slowAfter, want 1 (two of four workers may be slow)", n)
	}
	d.release(jobs[0])
	d.release(jobs[1])
	d.release(jobs[2])
	if n, slow := d.busyCount(), d.slow; n != 0 || slow != 0 {
		t.Fatalf("after release: busy %d, slow %d; want 0, 0", n, slow)
	}
}
