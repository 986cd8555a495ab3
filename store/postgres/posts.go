package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/jackc/pgx/v5"

	"herald/store"
)

// Times that an outbox position can hold: those whose nanoseconds since
// the epoch fit in a bigint (about the years 1678 to 2262), as in the bbolt
// store.
var (
	minOutboxTime = time.Unix(0, math.MinInt64)
	maxOutboxTime = time.Unix(0, math.MaxInt64)
)

// ApplyPoll records the outcome of one successful poll in a single
// transaction: the feed state, every post (item record, object, activity,
// outbox entry) and, when deliver is true, one delivery job per unique
// follower inbox for each activity that is not Silent (none for a pair
// already queued). Either all of it is committed or none. It returns the
// number of jobs queued. It is CommitPoll without held posts or deletions.
func (s *Store) ApplyPoll(handle string, state store.FeedState, posts []store.Post, deliver bool, now time.Time) (queued int, err error) {
	return s.CommitPoll(handle, store.PollCommit{State: state, Posts: posts, Deliver: deliver}, now)
}

// putPost stores p's item record, object and activity, and files the
// activity in handle's outbox.
func putPost(ctx context.Context, tx pgx.Tx, handle string, p store.Post) error {
	if err := putItem(ctx, tx, handle, p.Item); err != nil {
		return err
	}
	if err := putDocument(ctx, tx, p.Object); err != nil {
		return err
	}
	if err := putDocument(ctx, tx, p.Activity); err != nil {
		return err
	}
	return putOutboxEntry(ctx, tx, handle, p.At, p.Activity.ID)
}

// putItem stores it, replacing the record of its key.
func putItem(ctx context.Context, tx pgx.Tx, handle string, it store.SeenItem) error {
	_, err := tx.Exec(ctx, `INSERT INTO items (handle, key, object_id, hash, published, updated, version, deleted, link)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (handle, key) DO UPDATE SET object_id = excluded.object_id, hash = excluded.hash,
			published = excluded.published, updated = excluded.updated, version = excluded.version,
			deleted = excluded.deleted, link = excluded.link`,
		handle, it.Key, it.ObjectID, it.Hash, ts(it.Published), ts(it.Updated), it.Version, ts(it.Deleted), it.Link)
	if err != nil {
		return fmt.Errorf("item %q: %w", it.Key, err)
	}
	return nil
}

// putOutboxEntry files activityID in handle's outbox at the first time from
// at on that no other activity holds. Unique times are what let Outbox cut
// pages by time without skipping or repeating entries (several items of one
// poll often share a time). An activity already filed at that time keeps
// its entry, so applying the same post again adds nothing. Writers of one
// account's outbox take turns (a transaction-scoped advisory lock), so
// that two processes filing posts at one time cannot both find it free.
func putOutboxEntry(ctx context.Context, tx pgx.Tx, handle string, at time.Time, activityID string) error {
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(hashtextextended('herald outbox ' || $1, 0))", handle); err != nil {
		return err
	}
	for {
		if at.Before(minOutboxTime) || at.After(maxOutboxTime) {
			return fmt.Errorf("outbox time %s: out of range", at.Format(time.RFC3339))
		}
		var holder string
		err := tx.QueryRow(ctx, "SELECT activity_id FROM outbox WHERE handle = $1 AND at_ns = $2", handle, at.UnixNano()).Scan(&holder)
		if notFound(err) {
			_, err = tx.Exec(ctx, "INSERT INTO outbox (handle, at_ns, activity_id) VALUES ($1, $2, $3)", handle, at.UnixNano(), activityID)
			return err
		}
		if err != nil || holder == activityID {
			return err
		}
		at = at.Add(time.Nanosecond)
	}
}

// SeenItems returns handle's item records by item key.
func (s *Store) SeenItems(handle string) (map[string]store.SeenItem, error) {
	ctx, cancel := s.op()
	defer cancel()
	rows, err := s.pool.Query(ctx, `SELECT key, object_id, hash, published, updated, version, deleted, link
		FROM items WHERE handle = $1`, handle)
	if err != nil {
		return nil, fmt.Errorf("seen items of %s: %w", handle, err)
	}
	seen := map[string]store.SeenItem{}
	for rows.Next() {
		var it store.SeenItem
		var published, updated, deleted *time.Time
		if err := rows.Scan(&it.Key, &it.ObjectID, &it.Hash, &published, &updated, &it.Version, &deleted, &it.Link); err != nil {
			rows.Close()
			return nil, fmt.Errorf("seen items of %s: %w", handle, err)
		}
		it.Published, it.Updated, it.Deleted = fromTS(published), fromTS(updated), fromTS(deleted)
		seen[it.Key] = it
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("seen items of %s: %w", handle, err)
	}
	return seen, nil
}

// Outbox returns up to limit activities of handle placed strictly before
// before (the zero time means from the newest), newest first, and the total
// number of activities in the outbox. Passing the At of the last entry of a
// page as before gives the next page: pages cut this way neither overlap nor
// skip entries (each entry has its own At) and stay stable when new
// activities arrive. Both come from one snapshot.
func (s *Store) Outbox(handle string, before time.Time, limit int) (entries []store.OutboxEntry, total int, err error) {
	last := int64(math.MaxInt64) // the newest position to list
	switch {
	case before.IsZero() || before.After(maxOutboxTime):
	case !before.After(minOutboxTime):
		limit = 0
	default:
		last = before.UnixNano() - 1
	}
	err = s.read(func(ctx context.Context, tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, "SELECT count(*) FROM outbox WHERE handle = $1", handle).Scan(&total); err != nil {
			return err
		}
		if limit <= 0 {
			return nil
		}
		rows, err := tx.Query(ctx, `SELECT o.at_ns, d.body FROM outbox o JOIN documents d ON d.id = o.activity_id
			WHERE o.handle = $1 AND o.at_ns <= $2 ORDER BY o.at_ns DESC LIMIT $3`, handle, last, limit)
		if err != nil {
			return err
		}
		entries, err = pgx.CollectRows(rows, outboxEntry)
		return err
	})
	if err != nil {
		return nil, 0, fmt.Errorf("outbox of %s: %w", handle, err)
	}
	if len(entries) == 0 {
		entries = nil
	}
	return entries, total, nil
}

// OutboxBetween returns up to limit activities of handle placed strictly
// after after and strictly before before (a zero time leaves that side
// open), newest first, or oldest first when oldestFirst.
func (s *Store) OutboxBetween(handle string, after, before time.Time, oldestFirst bool, limit int) ([]store.OutboxEntry, error) {
	low, high := int64(math.MinInt64), int64(math.MaxInt64)
	if !after.IsZero() {
		if !after.Before(maxOutboxTime) {
			return nil, nil
		}
		if after.After(minOutboxTime) {
			low = after.UnixNano() + 1
		}
	}
	if !before.IsZero() {
		if !before.After(minOutboxTime) {
			return nil, nil
		}
		if before.Before(maxOutboxTime) {
			high = before.UnixNano() - 1
		}
	}
	order := "DESC"
	if oldestFirst {
		order = "ASC"
	}
	var entries []store.OutboxEntry
	err := s.read(func(ctx context.Context, tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT o.at_ns, d.body FROM outbox o JOIN documents d ON d.id = o.activity_id
			WHERE o.handle = $1 AND o.at_ns BETWEEN $2 AND $3 ORDER BY o.at_ns `+order+` LIMIT $4`, handle, low, high, max(limit, 0))
		if err != nil {
			return err
		}
		entries, err = pgx.CollectRows(rows, outboxEntry)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("outbox of %s: %w", handle, err)
	}
	if len(entries) == 0 {
		entries = nil
	}
	return entries, nil
}

// outboxEntry reads a row of (position in nanoseconds, activity body).
func outboxEntry(row pgx.CollectableRow) (store.OutboxEntry, error) {
	var atNS int64
	var body []byte
	err := row.Scan(&atNS, &body)
	return store.OutboxEntry{At: time.Unix(0, atNS).UTC(), Activity: json.RawMessage(body)}, err
}
