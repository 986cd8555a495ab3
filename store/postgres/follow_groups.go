package postgres

// The group commit of Follows. Each Follow was a transaction of its own
// (the follower, the Accept and its job), so a burst of Follows waited
// for one commit, and one flush of the WAL, each, on the pool's few
// connections. As the bbolt store does (store/group_commit.go), one
// goroutine commits the Follows that come together in one transaction of
// a few statements (follow_group_sql.go); each AddFollower still returns
// only once its Follow is committed.

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"herald/store"
)

// followRequest is one Follow waiting for its group's commit.
type followRequest struct {
	handle string
	f      store.Follower
	accept store.Document
	now    time.Time
	done   chan followResult
}

// followResult is what AddFollower returns for one Follow.
type followResult struct {
	isNew bool
	err   error
}

// AddFollower records f as a follower of handle and queues accept (the
// Accept activity) for delivery to f.Inbox, in one transaction. A repeated
// Follow keeps the original Since and queues a fresh Accept, as the remote
// server evidently did not see the first (unless that Accept is still
// queued: one job per activity and inbox). isNew tells whether f was not
// yet a follower; of two processes adding the same follower at once, one
// is told so. Concurrent calls are committed together (group commit,
// follow_groups.go), so a burst of Follows is not one commit each.
func (s *Store) AddFollower(handle string, f store.Follower, accept store.Document, now time.Time) (isNew bool, err error) {
	if checkJobTime("next attempt", now) != nil {
		return s.addFollowerAlone(handle, f, accept, now) // fails, with the error of one Follow
	}
	r := followRequest{handle: handle, f: f, accept: accept, now: now, done: make(chan followResult, 1)}
	if !s.follows.Submit(r) {
		return false, fmt.Errorf("add follower %s to %s: %w", f.ID, handle, errClosed)
	}
	res := <-r.done
	return res.isNew, res.err
}

// addFollowerAlone is AddFollower in a transaction of its own: for a
// Follow that cannot share its group's (see commitFollows).
func (s *Store) addFollowerAlone(handle string, f store.Follower, accept store.Document, now time.Time) (isNew bool, err error) {
	err = s.inTx(func(ctx context.Context, tx pgx.Tx) error {
		var err error
		if isNew, err = putFollower(ctx, tx, handle, f); err != nil {
			return err
		}
		if err := putDocument(ctx, tx, accept); err != nil {
			return err
		}
		_, err = putJobs(ctx, tx, store.Job{ActivityID: accept.ID, Handle: handle, NextAttempt: now, Created: now}, []string{f.Inbox})
		return err
	})
	if err != nil {
		return false, fmt.Errorf("add follower %s to %s: %w", f.ID, handle, err)
	}
	return isNew, nil
}

// commitFollows commits group in one transaction and answers each
// request. A Follow whose follower (handle and id) or Accept another
// Follow of the group names too is committed after the group, alone, so
// that the second finds what the first left, as when they come one after
// the other. When the group's transaction fails (one bad Follow fails
// its statements), each of its Follows is committed alone and gets its
// own result.
func (s *Store) commitFollows(group []followRequest) {
	first, again := splitFollows(group)
	isNew := make([]bool, len(first))
	err := s.inTx(func(ctx context.Context, tx pgx.Tx) error { return addFollowers(ctx, tx, first, isNew) })
	for i, r := range first {
		if err != nil {
			r.done <- s.followAlone(r)
			continue
		}
		r.done <- followResult{isNew: isNew[i]}
	}
	for _, r := range again {
		r.done <- s.followAlone(r)
	}
}

// followAlone commits r in a transaction of its own.
func (s *Store) followAlone(r followRequest) followResult {
	isNew, err := s.addFollowerAlone(r.handle, r.f, r.accept, r.now)
	return followResult{isNew: isNew, err: err}
}

// splitFollows returns the Follows of group that name neither a follower
// nor an Accept named before them, ordered by handle and follower id (the
// order in which groups take row locks), and the others.
func splitFollows(group []followRequest) (first, again []followRequest) {
	followers := make(map[followerKey]bool, len(group))
	accepts := make(map[string]bool, len(group))
	for _, r := range group {
		k := followerKey{r.handle, r.f.ID}
		if followers[k] || accepts[r.accept.ID] {
			again = append(again, r)
			continue
		}
		followers[k], accepts[r.accept.ID] = true, true
		first = append(first, r)
	}
	slices.SortFunc(first, func(a, b followRequest) int {
		return cmp.Or(cmp.Compare(a.handle, b.handle), cmp.Compare(a.f.ID, b.f.ID))
	})
	return first, again
}

// followerKey names a follower of an account.
type followerKey struct{ handle, id string }
