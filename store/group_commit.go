package store

import (
	"errors"
	"fmt"

	bolt "go.etcd.io/bbolt"
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
// those that come within GroupGather of its first (GroupQueue), so concurrent writers
// share fsyncs, and a slow disk makes the groups larger rather than the
// queue of commits longer. (bbolt's Batch closes a group before it waits
// for the writer lock, so with a slow fsync its groups stay small and
// queue up.) As with bbolt's Batch, fn may run more than once: when a
// write of a group fails, the others are committed without it and it is
// run again alone, which gives its own result.
func (s *Store) batch(fn func(*bolt.Tx) error) error {
	r := commitRequest{fn: fn, done: make(chan error, 1)}
	if !s.commits.Submit(r) {
		return errClosed
	}
	return <-r.done
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
