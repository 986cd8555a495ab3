package store

import (
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// QueueActivity stores activity (an actor-level activity such as a Move) and
// queues one delivery job per unique follower inbox of handle, in one
// transaction. Storing the same activity again replaces its document and
// queues it again, except to inboxes where it is still pending. It returns
// the number of jobs queued.
func (s *Store) QueueActivity(handle string, activity Document, now time.Time) (queued int, err error) {
	return s.QueueActivitySignedWith(handle, "", activity, now)
}

// QueueActivitySignedWith is QueueActivity for jobs signed with the stored
// key signWith ("" for handle's current key; see Job.SignWith).
func (s *Store) QueueActivitySignedWith(handle, signWith string, activity Document, now time.Time) (queued int, err error) {
	err = s.db.Update(func(tx *bolt.Tx) error {
		queued = 0
		if err := tx.Bucket(bucketDocuments).Put([]byte(activity.ID), activity.JSON); err != nil {
			return err
		}
		inboxes, err := deliveryInboxes(tx, handle)
		if err != nil {
			return err
		}
		queued, err = putJobs(tx, Job{ActivityID: activity.ID, Handle: handle, NextAttempt: now, Created: now, SignWith: signWith}, inboxes)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("queue %s for %s: %w", activity.ID, handle, err)
	}
	return queued, nil
}

// PutDocument stores doc under its id, replacing what was there.
func (s *Store) PutDocument(doc Document) error {
	err := s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketDocuments).Put([]byte(doc.ID), doc.JSON)
	})
	if err != nil {
		return fmt.Errorf("put document %s: %w", doc.ID, err)
	}
	return nil
}

// QueueJob queues the stored activity activityID for one inbox, due at at
// (a no-op when that pair is already queued). It reports whether a job was
// added.
func (s *Store) QueueJob(handle, activityID, inbox string, at time.Time) (added bool, err error) {
	err = s.db.Update(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketDocuments).Get([]byte(activityID)) == nil {
			return fmt.Errorf("queue %s: %w", activityID, ErrNotFound)
		}
		added, err = putJob(tx, Job{ActivityID: activityID, Inbox: inbox, Handle: handle, NextAttempt: at, Created: at})
		return err
	})
	return added, err
}

// PostponeJobs moves handle's queued jobs that are due before until and
// not signed with another key (Job.SignWith) to until, without counting an
// attempt; it returns how many moved. A key rotation uses it so that the
// Update announcing the new key goes out before posts signed with it.
func (s *Store) PostponeJobs(handle string, until time.Time) (moved int, err error) {
	if err := checkKeyTime("postpone until", until); err != nil {
		return 0, err
	}
	err = s.db.Update(func(tx *bolt.Tx) error {
		moved = 0
		jobs, index := tx.Bucket(bucketDeliveries), tx.Bucket(bucketDeliveryIndex)
		var later []Job
		c := jobs.Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			var j Job
			if err := decodeJSON(k, v, &j); err != nil {
				return err
			}
			if j.Handle == handle && j.SignWith == "" && j.NextAttempt.Before(until) {
				later = append(later, j)
			}
		}
		for _, j := range later {
			if err := jobs.Delete(jobKey(j)); err != nil {
				return err
			}
			j.NextAttempt = until
			if err := putJSON(jobs, jobKey(j), j); err != nil {
				return err
			}
			if err := index.Put(pairKey(j.ActivityID, j.Inbox), jobKey(j)); err != nil {
				return err
			}
			moved++
		}
		return nil
	})
	return moved, err
}
