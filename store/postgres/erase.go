package postgres

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"herald/store"
)

// ExportRemote returns everything stored about the remote actor id, read
// from one snapshot: its cached actor, its follows by local handle, its
// interactions (by object, kind and id) and its reports (by id).
func (s *Store) ExportRemote(id string) (store.RemoteRecord, error) {
	var r store.RemoteRecord
	err := s.read(func(ctx context.Context, tx pgx.Tx) error {
		r = store.RemoteRecord{}
		rows, err := tx.Query(ctx, "SELECT "+remoteActorColumns+" FROM remote_actors WHERE id = $1", id)
		if err != nil {
			return err
		}
		if r.Actor, err = atMostOne(pgx.CollectRows(rows, scanRemoteActor)); err != nil {
			return err
		}
		rows, err = tx.Query(ctx, "SELECT handle, id, inbox, shared_inbox, follow_id, since FROM followers WHERE id = $1", id)
		if err != nil {
			return err
		}
		if r.Following, err = collectFollows(rows); err != nil {
			return err
		}
		if r.Interactions, err = interactionsBy(ctx, tx, id); err != nil {
			return err
		}
		r.Flags, err = flagsBy(ctx, tx, id)
		return err
	})
	if err != nil {
		return store.RemoteRecord{}, fmt.Errorf("export %s: %w", id, err)
	}
	return r, nil
}

// EraseRemote removes everything stored about the remote actor id: its
// follows of every local actor, its interactions, its reports, its cached
// actor and the key ids that name it, in one transaction. It returns what
// was removed, as ExportRemote orders it: each statement deletes and
// returns its rows at once, so what a concurrent write adds meanwhile is
// either removed and returned or left whole. Deliveries already queued to
// its inbox are left to finish or fail.
func (s *Store) EraseRemote(id string) (store.RemoteRecord, error) {
	var r store.RemoteRecord
	err := s.inTx(func(ctx context.Context, tx pgx.Tx) error {
		r = store.RemoteRecord{}
		rows, err := tx.Query(ctx, "DELETE FROM followers WHERE id = $1 RETURNING handle, id, inbox, shared_inbox, follow_id, since", id)
		if err != nil {
			return err
		}
		if r.Following, err = collectFollows(rows); err != nil {
			return err
		}
		if r.Interactions, err = eraseInteractions(ctx, tx, id); err != nil {
			return err
		}
		if r.Flags, err = eraseFlags(ctx, tx, id); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM remote_keys WHERE actor_id = $1", id); err != nil {
			return err
		}
		rows, err = tx.Query(ctx, "DELETE FROM remote_actors WHERE id = $1 RETURNING "+remoteActorColumns, id)
		if err != nil {
			return err
		}
		r.Actor, err = atMostOne(pgx.CollectRows(rows, scanRemoteActor))
		return err
	})
	if err != nil {
		return store.RemoteRecord{}, fmt.Errorf("erase %s: %w", id, err)
	}
	return r, nil
}

// eraseInteractions deletes the interactions of actor and returns them,
// ordered as interactionsBy orders them.
func eraseInteractions(ctx context.Context, tx pgx.Tx, actor string) ([]store.Interaction, error) {
	rows, err := tx.Query(ctx, "DELETE FROM interactions WHERE actor = $1 RETURNING "+interactionColumns, actor)
	if err != nil {
		return nil, err
	}
	gone, err := pgx.CollectRows(rows, scanInteraction)
	if err != nil || len(gone) == 0 {
		return nil, err
	}
	slices.SortFunc(gone, func(a, b store.Interaction) int {
		return cmp.Or(strings.Compare(a.Object, b.Object), strings.Compare(a.Kind, b.Kind), strings.Compare(a.ID, b.ID))
	})
	return gone, nil
}

// eraseFlags deletes the reports sent by actor and returns them, by id.
func eraseFlags(ctx context.Context, tx pgx.Tx, actor string) ([]store.Flag, error) {
	rows, err := tx.Query(ctx, "DELETE FROM flags WHERE actor = $1 RETURNING "+flagColumns, actor)
	if err != nil {
		return nil, err
	}
	gone, err := pgx.CollectRows(rows, scanFlag)
	if err != nil || len(gone) == 0 {
		return nil, err
	}
	slices.SortFunc(gone, func(a, b store.Flag) int { return strings.Compare(a.ID, b.ID) })
	return gone, nil
}

// collectFollows reads rows of (handle, follower columns) into the
// follows by local handle; an empty map when there are none, as the bbolt
// store returns.
func collectFollows(rows pgx.Rows) (map[string]store.Follower, error) {
	out := map[string]store.Follower{}
	var handle string
	var f store.Follower
	var since *time.Time
	_, err := pgx.ForEachRow(rows, []any{&handle, &f.ID, &f.Inbox, &f.SharedInbox, &f.FollowID, &since}, func() error {
		f.Since = fromTS(since)
		out[handle] = f
		return nil
	})
	return out, err
}

// atMostOne returns the only element of all, nil when all is empty, and
// passes err on.
func atMostOne[T any](all []T, err error) (*T, error) {
	if err != nil || len(all) == 0 {
		return nil, err
	}
	return &all[0], nil
}
