package store

import (
	"sync"
	"time"
)

// Bounds of one group of a GroupQueue, as both stores use them.
const (
	// GroupGather is how long a group waits for company after its first
	// request. bbolt's own Batch waited 10 ms, which made a busy inbox
	// wait ~13 ms per request for its commit; 2 ms still gathers dozens
	// of writes per fsync under load.
	GroupGather = 2 * time.Millisecond
	// MaxGroup is how many requests one group takes at most.
	MaxGroup = 1000
)

// GroupQueue hands requests to one goroutine that commits them in groups
// (both stores' group commits): a group takes the requests that arrived
// while the previous group was committed, plus those that come within
// GroupGather of its first, up to MaxGroup. So concurrent writers share
// a commit (and its fsync), and a slow disk makes the groups larger
// rather than the queue longer. A GroupQueue is safe for concurrent use.
type GroupQueue[R any] struct {
	requests  chan R
	closing   chan struct{}
	committed chan struct{}
	closeOnce sync.Once
}

// NewGroupQueue starts the goroutine that calls commit with each group,
// in order, until Close; commit answers each request of its group.
func NewGroupQueue[R any](commit func(group []R)) *GroupQueue[R] {
	q := &GroupQueue[R]{requests: make(chan R), closing: make(chan struct{}), committed: make(chan struct{})}
	go q.run(commit)
	return q
}

// Submit hands r to the committing goroutine; it returns false, and r
// goes nowhere, once Close has begun.
func (q *GroupQueue[R]) Submit(r R) bool {
	select {
	case q.requests <- r:
		return true
	case <-q.closing:
		return false
	}
}

// Close lets the group being committed finish, refuses later requests,
// and returns once the committing goroutine has stopped. Calls after the
// first only wait.
func (q *GroupQueue[R]) Close() {
	q.closeOnce.Do(func() { close(q.closing) })
	<-q.committed
}

func (q *GroupQueue[R]) run(commit func(group []R)) {
	defer close(q.committed)
	for {
		select {
		case first := <-q.requests:
			commit(q.gather(first))
		case <-q.closing:
			return
		}
	}
}

// gather returns first and the requests that are waiting or come within
// GroupGather, up to MaxGroup; it stops early when Close begins.
func (q *GroupQueue[R]) gather(first R) []R {
	group := []R{first}
	timer := time.NewTimer(GroupGather)
	defer timer.Stop()
	for len(group) < MaxGroup {
		select {
		case r := <-q.requests:
			group = append(group, r)
		case <-timer.C:
			return group
		case <-q.closing:
			return group
		}
	}
	return group
}
