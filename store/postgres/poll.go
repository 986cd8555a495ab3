package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"herald/store"
)

// CommitPoll records one poll in a single transaction: everything of
// ApplyPoll, plus the held (scheduled) posts and the deletions, with their
// delivery jobs. It returns the number of jobs queued, once committed; on
// an error nothing is committed. The feed's row is written first, so
// commits of the same feed (from several processes too) take turns.
func (s *Store) CommitPoll(handle string, c store.PollCommit, now time.Time) (queued int, err error) {
	err = s.inTx(func(ctx context.Context, tx pgx.Tx) error {
		queued = 0
		if err := putFeedState(ctx, tx, handle, c.State); err != nil {
			return err
		}
		if err := putSchedule(ctx, tx, handle, c); err != nil {
			return err
		}
		for _, r := range c.Records {
			if err := putItem(ctx, tx, handle, r); err != nil {
				return err
			}
		}
		q, err := newPollQueue(ctx, tx, handle, c, now)
		if err != nil {
			return err
		}
		for _, p := range c.Posts {
			if err := putPost(ctx, tx, handle, p); err != nil {
				return err
			}
			if !p.Silent {
				if err := q.post(ctx, p); err != nil {
					return err
				}
			}
		}
		for _, d := range c.Deletions {
			if err := putDeletion(ctx, tx, handle, d); err != nil {
				return err
			}
			if err := q.activity(ctx, d.Delete.ID); err != nil {
				return err
			}
		}
		queued = q.queued
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("commit poll of %s: %w", handle, err)
	}
	return queued, nil
}

// putSchedule applies the schedule changes of c.
func putSchedule(ctx context.Context, tx pgx.Tx, handle string, c store.PollCommit) error {
	if c.ReplaceSchedule {
		if _, err := tx.Exec(ctx, "DELETE FROM scheduled WHERE handle = $1", handle); err != nil {
			return fmt.Errorf("clear schedule of %s: %w", handle, err)
		}
	}
	if len(c.Released) > 0 {
		if _, err := tx.Exec(ctx, "DELETE FROM scheduled WHERE handle = $1 AND item_key = ANY($2)", handle, c.Released); err != nil {
			return fmt.Errorf("release held posts: %w", err)
		}
	}
	for _, sp := range c.Schedule {
		post, err := json.Marshal(sp.Post)
		if err != nil {
			return fmt.Errorf("encode held post %q: %w", sp.Post.Item.Key, err)
		}
		_, err = tx.Exec(ctx, `INSERT INTO scheduled (handle, item_key, due, post) VALUES ($1, $2, $3, $4)
			ON CONFLICT (handle, item_key) DO UPDATE SET due = excluded.due, post = excluded.post`,
			handle, sp.Post.Item.Key, sp.Due, post)
		if err != nil {
			return fmt.Errorf("hold post %q: %w", sp.Post.Item.Key, err)
		}
	}
	return nil
}

// putDeletion marks the item deleted, replaces its object and activities by
// the tombstone, takes them out of the outbox and stores the Delete.
func putDeletion(ctx context.Context, tx pgx.Tx, handle string, d store.Deletion) error {
	tag, err := tx.Exec(ctx, "UPDATE items SET deleted = $3 WHERE handle = $1 AND key = $2", handle, d.Key, ts(d.At))
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("delete item %s: %w", d.Key, store.ErrNotFound)
	}
	return withdraw(ctx, tx, handle, d.Tombstone, d.Gone, d.Delete)
}

// withdraw replaces a post's object by tombstone (whose ID is the object
// id) and the activities goneIDs (that carried it) by aliases of it, takes
// them out of handle's outbox, and stores del.
func withdraw(ctx context.Context, tx pgx.Tx, handle string, tombstone store.Document, goneIDs []string, del store.Document) error {
	gone := slices.Compact(slices.Sorted(slices.Values(goneIDs)))
	_, err := tx.Exec(ctx, "DELETE FROM documents WHERE id = $1 OR id = ANY($2)", tombstone.ID, gone)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO tombstones (id, body) VALUES ($1, $2)
		ON CONFLICT (id) DO UPDATE SET body = excluded.body, alias_of = NULL`, tombstone.ID, orEmpty(tombstone.JSON))
	if err != nil {
		return fmt.Errorf("tombstone %s: %w", tombstone.ID, err)
	}
	_, err = tx.Exec(ctx, `INSERT INTO tombstones (id, alias_of) SELECT id, $2 FROM unnest($1::text[]) AS id
		ON CONFLICT (id) DO UPDATE SET body = NULL, alias_of = excluded.alias_of`, gone, tombstone.ID)
	if err != nil {
		return fmt.Errorf("tombstones of the activities of %s: %w", tombstone.ID, err)
	}
	if err := putDocument(ctx, tx, del); err != nil {
		return err
	}
	_, err = tx.Exec(ctx, "DELETE FROM outbox WHERE handle = $1 AND activity_id = ANY($2)", handle, gone)
	return err
}

// Schedule returns handle's held posts, by item key.
func (s *Store) Schedule(handle string) ([]store.Scheduled, error) {
	ctx, cancel := s.op()
	defer cancel()
	rows, err := s.pool.Query(ctx, "SELECT post, due FROM scheduled WHERE handle = $1 ORDER BY item_key", handle)
	if err != nil {
		return nil, fmt.Errorf("schedule of %s: %w", handle, err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (store.Scheduled, error) {
		var sp store.Scheduled
		var post []byte
		if err := row.Scan(&post, &sp.Due); err != nil {
			return sp, err
		}
		sp.Due = sp.Due.UTC()
		return sp, json.Unmarshal(post, &sp.Post)
	})
	if err != nil {
		return nil, fmt.Errorf("schedule of %s: %w", handle, err)
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

// Tombstone returns the tombstone of a deleted object, also when asked by
// the id of one of its activities; store.ErrNotFound if id was never
// deleted.
func (s *Store) Tombstone(id string) ([]byte, error) {
	ctx, cancel := s.op()
	defer cancel()
	var body []byte
	err := s.pool.QueryRow(ctx, `SELECT coalesce(t.body, o.body) FROM tombstones t
		LEFT JOIN tombstones o ON o.id = t.alias_of WHERE t.id = $1`, id).Scan(&body)
	if notFound(err) || (err == nil && body == nil) {
		err = store.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("tombstone %s: %w", id, err)
	}
	return body, nil
}
