package postgres

import (
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"herald/store"
)

// remoteActorColumns are the columns that scanRemoteActor reads, in its order.
const remoteActorColumns = "id, inbox, shared_inbox, key_id, public_key_pem, fetched_at, username, name, icon, url, followers"

// scanRemoteActor reads a row of remoteActorColumns.
func scanRemoteActor(row pgx.CollectableRow) (store.RemoteActor, error) {
	var a store.RemoteActor
	var fetched *time.Time
	err := row.Scan(&a.ID, &a.Inbox, &a.SharedInbox, &a.KeyID, &a.PublicKeyPEM, &fetched, &a.Username, &a.Name, &a.Icon, &a.URL, &a.Followers)
	a.FetchedAt = fromTS(fetched)
	return a, err
}

// RemoteActor returns the cached actor with id; found is false when none is cached.
func (s *Store) RemoteActor(id string) (a store.RemoteActor, found bool, err error) {
	return s.remoteActor("SELECT "+remoteActorColumns+" FROM remote_actors WHERE id = $1", id)
}

// RemoteActorByKey returns the cached actor owning keyID: the actor the
// key was last seen on, as long as that actor still has the key.
func (s *Store) RemoteActorByKey(keyID string) (a store.RemoteActor, found bool, err error) {
	return s.remoteActor(`SELECT a.id, a.inbox, a.shared_inbox, a.key_id, a.public_key_pem, a.fetched_at,
			a.username, a.name, a.icon, a.url, a.followers
		FROM remote_keys k JOIN remote_actors a ON a.id = k.actor_id WHERE k.key_id = $1 AND a.key_id = $1`, keyID)
}

// remoteActor reads the actor that sql (a query of remoteActorColumns with
// one parameter) finds for arg.
func (s *Store) remoteActor(sql, arg string) (a store.RemoteActor, found bool, err error) {
	ctx, cancel := s.op()
	defer cancel()
	rows, err := s.pool.Query(ctx, sql, arg)
	if err == nil {
		a, err = pgx.CollectExactlyOneRow(rows, scanRemoteActor)
	}
	if notFound(err) {
		return store.RemoteActor{}, false, nil
	}
	if err != nil {
		return store.RemoteActor{}, false, fmt.Errorf("remote actor %s: %w", arg, err)
	}
	return a, true, nil
}
