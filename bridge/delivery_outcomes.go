package bridge

import (
	"time"

	"herald/store"
)

// Bounds of one group of outcomes.
const (
	// maxOutcomeGroup is how many outcomes one commit takes at most.
	maxOutcomeGroup = 1024
	// outcomeGather is how long a group waits for company after its first
	// outcome: on a fast disk, committing every outcome at once would cost
	// more fsyncs than a fan-out has time for.
	outcomeGather = 2 * time.Millisecond
)

// outcomeWriter commits the outcomes of delivery attempts by group commit:
// one goroutine commits; a group takes the outcomes that arrived while the
// previous commit was written and synced, and those that come within
// outcomeGather of its first. So a fan-out costs at most one fsync per
// outcomeGather on a fast disk, and one per group however slow the disk's
// fsync. (bbolt's Batch, used elsewhere, also waits a fixed time for
// company, but its groups stop growing before they wait for the writer
// lock, so with a slow fsync they stay small and queue up.)
type outcomeWriter struct {
	recordAll func([]store.Outcome) []error
	in        chan outcomeRequest
}

type outcomeRequest struct {
	outcome store.Outcome
	done    chan error
}

func newOutcomeWriter(recordAll func([]store.Outcome) []error) *outcomeWriter {
	return &outcomeWriter{recordAll: recordAll, in: make(chan outcomeRequest)}
}

// run starts the committing goroutine and returns a function that stops it
// once no more outcomes can come, and waits for it.
func (w *outcomeWriter) run() (stop func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		for first := range w.in {
			group := w.gather(first)
			outcomes := make([]store.Outcome, len(group))
			for i, r := range group {
				outcomes[i] = r.outcome
			}
			errs := w.recordAll(outcomes)
			for i, r := range group {
				r.done <- errs[i]
			}
		}
	}()
	return func() {
		close(w.in)
		<-done
	}
}

// gather returns first and the requests that are waiting or come within
// outcomeGather, up to maxOutcomeGroup.
func (w *outcomeWriter) gather(first outcomeRequest) []outcomeRequest {
	group := []outcomeRequest{first}
	timer := time.NewTimer(outcomeGather)
	defer timer.Stop()
	for len(group) < maxOutcomeGroup {
		select {
		case r, ok := <-w.in:
			if !ok {
				return group
			}
			group = append(group, r)
		case <-timer.C:
			return group
		}
	}
	return group
}

// record commits o with the next group and returns its error once the
// group is committed.
func (w *outcomeWriter) record(o store.Outcome) error {
	r := outcomeRequest{outcome: o, done: make(chan error, 1)}
	w.in <- r
	return <-r.done
}
