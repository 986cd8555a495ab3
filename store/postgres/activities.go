package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"herald/store"
)

// QueueActivity stores activity (an actor-level activity such as a Move)
// and queues one delivery job per unique follower inbox of handle, in one
// transaction. Storing the same activity again replaces its document and
// queues it again, except to inboxes where it is still pending (also when
// two processes queue it at once). It returns the number of jobs queued.
func (s *Store) QueueActivity(handle string, activity store.Document, now time.Time) (queued int, err error) {
	return s.QueueActivitySignedWith(handle, "", activity, now)
}

// QueueActivitySignedWith is QueueActivity for jobs signed with the stored
// key signWith ("" for handle's current key; see store.Job.SignWith).
func (s *Store) QueueActivitySignedWith(handle, signWith string, activity store.Document, now time.Time) (queued int, err error) {
	err = s.inTx(func(ctx context.Context, tx pgx.Tx) error {
		queued = 0
		if err := putDocument(ctx, tx, activity); err != nil {
			return err
		}
		inboxes, err := deliveryInboxes(ctx, tx, handle)
		if err != nil {
			return err
		}
		template := store.Job{ActivityID: activity.ID, Handle: handle, NextAttempt: now, Created: now, SignWith: signWith}
		queued, err = putJobs(ctx, tx, template, inboxes)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("queue %s for %s: %w", activity.ID, handle, err)
	}
	return queued, nil
}

// QueueJob queues the stored activity activityID for one inbox, due at at
// (a no-op when that pair is already queued). It reports whether a job was
// added. It fails with store.ErrNotFound when no document activityID is
// stored; the document stays locked (FOR KEY SHARE) until the job is
// committed, so a deletion cannot slip in between.
func (s *Store) QueueJob(handle, activityID, inbox string, at time.Time) (added bool, err error) {
	err = s.inTx(func(ctx context.Context, tx pgx.Tx) error {
		added = false
		var one int
		err := tx.QueryRow(ctx, "SELECT 1 FROM documents WHERE id = $1 FOR KEY SHARE", activityID).Scan(&one)
		if notFound(err) {
			return store.ErrNotFound
		}
		if err != nil {
			return err
		}
		n, err := putJobs(ctx, tx, store.Job{ActivityID: activityID, Handle: handle, NextAttempt: at, Created: at}, []string{inbox})
		added = n == 1
		return err
	})
	if err != nil {
		return false, fmt.Errorf("queue %s to %s: %w", activityID, inbox, err)
	}
	return added, nil
}

// PostponeJobs moves handle's queued jobs that are due before until and
// not signed with another key (store.Job.SignWith) to until, without
// counting an attempt; it returns how many moved. A key rotation uses it
// so that the Update announcing the new key goes out before posts signed
// with it. A worker's stale copy of a moved job can no longer be recorded
// (store.ErrNotFound), as in the bbolt store.
func (s *Store) PostponeJobs(handle string, until time.Time) (moved int, err error) {
	if err := checkJobTime("postpone until", until); err != nil {
		return 0, err
	}
	tag, err := s.exec(`UPDATE jobs SET next_attempt = $2
		WHERE handle = $1 AND sign_with = '' AND next_attempt < $2`, handle, until)
	if err != nil {
		return 0, fmt.Errorf("postpone jobs of %s: %w", handle, err)
	}
	return int(tag.RowsAffected()), nil
}
