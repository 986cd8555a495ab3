package postgres

// The group commit of the remote actor cache. The inbox saves the actor
// of every new follower (remote.Resolver fetches its key) just before the
// Follow: a transaction and a WAL flush each made a burst of Follows wait
// for two commits per Follow, not one. As the bbolt store does
// (store/group_commit.go), one goroutine commits the saves that come
// together in one transaction; each SaveRemoteActor still returns only
// once its actor is committed.

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"herald/store"
)

// actorRequest is one actor waiting for its group's commit.
type actorRequest struct {
	a    store.RemoteActor
	done chan error
}

// SaveRemoteActor caches a (replacing the previous copy and its key
// index), in one transaction. The index entry of a's previous key is
// removed only while it still names a (another actor may have taken the
// key over). An actor without a KeyID is cached but cannot be found by
// key. The cached row is locked (FOR UPDATE) while its previous key is
// read, so saves of one actor from several processes apply in turn.
// Concurrent calls are committed together (group commit, remote_groups.go).
func (s *Store) SaveRemoteActor(a store.RemoteActor) error {
	r := actorRequest{a: a, done: make(chan error, 1)}
	if !s.actors.Submit(r) {
		return fmt.Errorf("save remote actor %s: %w", a.ID, errClosed)
	}
	return <-r.done
}

// saveActorAlone is SaveRemoteActor in a transaction of its own.
func (s *Store) saveActorAlone(a store.RemoteActor) error {
	if err := s.inTx(func(ctx context.Context, tx pgx.Tx) error { return saveActors(ctx, tx, []store.RemoteActor{a}) }); err != nil {
		return fmt.Errorf("save remote actor %s: %w", a.ID, err)
	}
	return nil
}

// commitActors commits group in one transaction and answers each
// request. An actor whose id or key another actor of the group has too is
// saved after the group, alone, as when they come one after the other.
// When the group's transaction fails, each actor is saved alone and gets
// its own result.
func (s *Store) commitActors(group []actorRequest) {
	ids, keys := map[string]bool{}, map[string]bool{}
	var first []store.RemoteActor
	var firstReqs, again []actorRequest
	for _, r := range group {
		if ids[r.a.ID] || (r.a.KeyID != "" && keys[r.a.KeyID]) {
			again = append(again, r)
			continue
		}
		ids[r.a.ID], keys[r.a.KeyID] = true, true
		first, firstReqs = append(first, r.a), append(firstReqs, r)
	}
	err := s.inTx(func(ctx context.Context, tx pgx.Tx) error { return saveActors(ctx, tx, first) })
	for _, r := range firstReqs {
		if err != nil {
			r.done <- s.saveActorAlone(r.a)
			continue
		}
		r.done <- nil
	}
	for _, r := range again {
		r.done <- s.saveActorAlone(r.a)
	}
}

// saveActors caches actors (no id or key named twice) in tx: their rows
// locked in the order of ids, the index entries of the keys they no
// longer have removed, then the actors and their keys written.
func saveActors(ctx context.Context, tx pgx.Tx, actors []store.RemoteActor) error {
	actors = slices.SortedFunc(slices.Values(actors), func(a, b store.RemoteActor) int { return strings.Compare(a.ID, b.ID) })
	oldKeys, err := lockActors(ctx, tx, actors)
	if err != nil {
		return err
	}
	var goneKeys, goneOwners []string
	for _, a := range actors {
		if old := oldKeys[a.ID]; old != "" && old != a.KeyID {
			goneKeys, goneOwners = append(goneKeys, old), append(goneOwners, a.ID)
		}
	}
	if len(goneKeys) > 0 {
		if _, err := tx.Exec(ctx, `DELETE FROM remote_keys USING unnest($1::text[], $2::text[]) AS o(key_id, actor_id)
			WHERE remote_keys.key_id = o.key_id AND remote_keys.actor_id = o.actor_id`, goneKeys, goneOwners); err != nil {
			return err
		}
	}
	if err := putActors(ctx, tx, actors); err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO remote_keys (key_id, actor_id)
		SELECT key_id, actor_id FROM unnest($1::text[], $2::text[]) AS k(key_id, actor_id) WHERE key_id <> '' ORDER BY key_id
		ON CONFLICT (key_id) DO UPDATE SET actor_id = excluded.actor_id`, column(actors, func(a store.RemoteActor) string { return a.KeyID }),
		column(actors, func(a store.RemoteActor) string { return a.ID }))
	return err
}

// lockActors locks the cached rows of actors (FOR UPDATE, in the order of
// ids) and returns the key each had.
func lockActors(ctx context.Context, tx pgx.Tx, actors []store.RemoteActor) (map[string]string, error) {
	rows, err := tx.Query(ctx, "SELECT id, key_id FROM remote_actors WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE",
		column(actors, func(a store.RemoteActor) string { return a.ID }))
	if err != nil {
		return nil, err
	}
	old := map[string]string{}
	var id, key string
	_, err = pgx.ForEachRow(rows, []any{&id, &key}, func() error { old[id] = key; return nil })
	return old, err
}

// putActors inserts or replaces the cached rows of actors.
func putActors(ctx context.Context, tx pgx.Tx, actors []store.RemoteActor) error {
	fetched := make([]*time.Time, len(actors))
	for i := range actors {
		if !actors[i].FetchedAt.IsZero() {
			fetched[i] = &actors[i].FetchedAt
		}
	}
	get := func(f func(a store.RemoteActor) string) []string { return column(actors, f) }
	_, err := tx.Exec(ctx, `INSERT INTO remote_actors (`+remoteActorColumns+`)
		SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[],
			$7::text[], $8::text[], $9::text[], $10::text[], $11::text[])
		ON CONFLICT (id) DO UPDATE SET inbox = excluded.inbox, shared_inbox = excluded.shared_inbox,
			key_id = excluded.key_id, public_key_pem = excluded.public_key_pem, fetched_at = excluded.fetched_at,
			username = excluded.username, name = excluded.name, icon = excluded.icon, url = excluded.url,
			followers = excluded.followers`,
		get(func(a store.RemoteActor) string { return a.ID }), get(func(a store.RemoteActor) string { return a.Inbox }),
		get(func(a store.RemoteActor) string { return a.SharedInbox }), get(func(a store.RemoteActor) string { return a.KeyID }),
		get(func(a store.RemoteActor) string { return a.PublicKeyPEM }), fetched,
		get(func(a store.RemoteActor) string { return a.Username }), get(func(a store.RemoteActor) string { return a.Name }),
		get(func(a store.RemoteActor) string { return a.Icon }), get(func(a store.RemoteActor) string { return a.URL }),
		get(func(a store.RemoteActor) string { return a.Followers }))
	if err != nil {
		return fmt.Errorf("store the actors: %w", err)
	}
	return nil
}

// column returns f of each of actors.
func column(actors []store.RemoteActor, f func(store.RemoteActor) string) []string {
	out := make([]string, len(actors))
	for i, a := range actors {
		out[i] = f(a)
	}
	return out
}
