package bridge

import (
	"errors"
	"sync"
	"testing"
	"time"

	"herald/store"
)

// TestOutcomeWriterGroups records 100 outcomes at once while the first
// commit is slow: the others wait and are committed together, each caller
// gets its own outcome's error, and stop returns once all are committed.
func TestOutcomeWriterGroups(t *testing.T) {
	var mu sync.Mutex
	var groups [][]store.Outcome
	slow := make(chan struct{})
	w := newOutcomeWriter(func(os []store.Outcome) []error {
		mu.Lock()
		first := len(groups) == 0
		groups = append(groups, os)
		mu.Unlock()
		if first {
			<-slow // a slow fsync
		}
		errs := make([]error, len(os))
		for i, o := range os {
			if o.Error == "bad" {
				errs[i] = errors.New("bad outcome")
			}
		}
		return errs
	})
	stop := w.run()
	const n = 100
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			o := store.Outcome{Job: store.Job{Inbox: "https://h.example/inbox"}}
			if i == 42 {
				o.Error = "bad"
			}
			errs[i] = w.record(o)
		})
	}
	time.Sleep(50 * time.Millisecond) // let the callers queue up behind the first commit
	close(slow)
	wg.Wait()
	stop()
	for i, err := range errs {
		if (err != nil) != (i == 42) {
			t.Errorf("outcome %d: error %v", i, err)
		}
	}
	total := 0
	for _, g := range groups {
		total += len(g)
	}
	if total != n || len(groups) > 5 {
		t.Fatalf("%d outcomes in %d commits; want %d in a few", total, len(groups), n)
	}
}
