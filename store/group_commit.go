package store

import (
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Bounds of one group of writes (see batch).
const (
	// groupGather is how long a group waits for company after its first
	// write. bbolt's own Batch waited 10 ms, which made a busy inbox wait
	// ~13 ms per request for its commit; 2 ms still gathers dozens of
	// writes per fsync under load.
	groupGather = 2 * time.Millisecond
	// maxGroup is how many writes one transaction takes at most.
	maxGroup = 1000
)

// errClosed is returned by writes that come after Close began.
var errClosed = errors.New("store is closed")

// commitRequest is one write waiting for its group's commit.
type commitRequest struct {
	fn   func(*bolt.Tx) error
	done chan error
}

// batch runs fn in a write transaction shared with the writes that come at
// the same time (group commit), and returns once that transaction is
// committed and synced. One goroutine commits: a group takes the writes
// that arrived while the previous commit was written and synced, plus
// those that come within groupGather of its first, so concurrent writers
// share fsyncs, and a slow disk makes the groups larger rather than the
// queue of commits longer. (bbolt's Batch closes a group before it waits
// for the writer lock, so with a slow fsync its groups stay small and
// queue up.) As with bbolt's Batch, fn may run more than once: when a
// write of a group fails, the others are committed without it and it is
// run again alone, which gives its own result.
func (s *Store) batch(fn func(*bolt.Tx) error) error {
	r := commitRequest{fn: fn, done: make(chan error, 1)}
	select {
	case s.commits <- r:
	case <-s.closing:
		return errClosed
	}
	return <-r.done
}

// commitLoop commits groups of writes until Close.
func (s *Store) commitLoop() {
	defer close(s.committed)
	for {
		select {
		case first := <-s.commits:
			s.commitGroup(s.gather(first))
		case <-s.closing:
			return
		}
	}
}

// gather returns first and the writes that are waiting or come within
// groupGather, up to maxGroup; it stops early when Close begins.
func (s *Store) gather(first commitRequest) []commitRequest {
	group := []commitRequest{first}
	timer := time.NewTimer(groupGather)
	defer timer.Stop()
	for len(group) < maxGroup {
		select {
		case r := <-s.commits:
			group = append(group, r)
		case <-timer.C:
			return group
		case <-s.closing:
			return group
		}
	}
	return group
}

// commitGroup commits group in one transaction. A write that fails is
// taken out and run alone; the rest are committed again without it.
func (s *Store) commitGroup(group []commitRequest) {
	for len(group) > 0 {
		failed := -1
		err := s.db.Update(func(tx *bolt.Tx) error {
			for i, r := range group {
				if err := safely(r.fn, tx); err != nil {
					failed = i
					return err
				}
			}
			return nil
		})
		if failed < 0 { // committed, or the commit itself failed
			for _, r := range group {
				r.done <- err
			}
			return
		}
		alone := group[failed]
		alone.done <- s.db.Update(func(tx *bolt.Tx) error { return safely(alone.fn, tx) })
		group = append(group[:failed:failed], group[failed+1:]...)
	}
}

// safely runs fn, turning a panic into an error so that one bad write
// cannot stop the committing goroutine.
func safely(fn func(*bolt.Tx) error, tx *bolt.Tx) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("write panicked: %v", p)
		}
	}()
	return fn(tx)
}
