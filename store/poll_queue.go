package store

import (
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"
)

// relayLitePub is the flavour (config.RelayLitePub) of the relays that
// get a post's Announce by the relay actor instead of its Create.
const relayLitePub = "litepub"

// pollQueue queues the deliveries of one poll: every activity to the
// followers' inboxes and to the accepted relays of the feed.
type pollQueue struct {
	tx      *bolt.Tx
	handle  string
	now     time.Time
	inboxes []string     // followers' unique inboxes
	relays  RelayInboxes // accepted relays' inboxes
	queued  int
}

// newPollQueue reads the inboxes that c's activities go to; none when c
// delivers nothing.
func newPollQueue(tx *bolt.Tx, handle string, c PollCommit, now time.Time) (*pollQueue, error) {
	q := &pollQueue{tx: tx, handle: handle, now: now}
	if !c.Deliver || len(c.Posts)+len(c.Deletions) == 0 {
		return q, nil
	}
	var err error
	if q.inboxes, err = deliveryInboxes(tx, handle); err != nil {
		return nil, err
	}
	if q.relays, err = relayInboxes(tx, c.Relays); err != nil {
		return nil, err
	}
	return q, nil
}

// activity queues activityID, signed by the account, to the followers and
// to every accepted relay.
func (q *pollQueue) activity(activityID string) error {
	return q.put(activityID, q.handle, slices.Concat(q.inboxes, q.relays.Direct, q.relays.LitePub))
}

// post queues p's activity. LitePub relays get the relay actor's Announce
// of a new post (p.RelayAnnounce, stored here) instead of its Create, and
// its Updates as they are.
func (q *pollQueue) post(p Post) error {
	if p.RelayAnnounce == nil || len(q.relays.LitePub) == 0 {
		return q.activity(p.Activity.ID)
	}
	if err := q.put(p.Activity.ID, q.handle, slices.Concat(q.inboxes, q.relays.Direct)); err != nil {
		return err
	}
	if err := q.tx.Bucket(bucketDocuments).Put([]byte(p.RelayAnnounce.ID), p.RelayAnnounce.JSON); err != nil {
		return err
	}
	return q.put(p.RelayAnnounce.ID, RelayHandle, q.relays.LitePub)
}

// put queues activityID, signed as signer, to inboxes.
func (q *pollQueue) put(activityID, signer string, inboxes []string) error {
	n, err := putJobs(q.tx, Job{ActivityID: activityID, Handle: signer, NextAttempt: q.now, Created: q.now}, inboxes)
	q.queued += n
	return err
}
