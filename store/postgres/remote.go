package postgres

import (
	"context"
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

// SaveRemoteActor caches a (replacing the previous copy and its key
// index), in one transaction. The index entry of a's previous key is
// removed only while it still names a (another actor may have taken the
// key over). An actor without a KeyID is cached but cannot be found by
// key. The cached row is locked (FOR UPDATE) while its previous key is
// read, so saves of one actor from several processes apply in turn.
func (s *Store) SaveRemoteActor(a store.RemoteActor) error {
	err := s.inTx(func(ctx context.Context, tx pgx.Tx) error {
		var oldKey string
		err := tx.QueryRow(ctx, "SELECT key_id FROM remote_actors WHERE id = $1 FOR UPDATE", a.ID).Scan(&oldKey)
		if err != nil && !notFound(err) {
			return err
		}
		if oldKey != "" && oldKey != a.KeyID {
			if _, err := tx.Exec(ctx, "DELETE FROM remote_keys WHERE key_id = $1 AND actor_id = $2", oldKey, a.ID); err != nil {
				return err
			}
		}
		_, err = tx.Exec(ctx, `INSERT INTO remote_actors (`+remoteActorColumns+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
			ON CONFLICT (id) DO UPDATE SET inbox = excluded.inbox, shared_inbox = excluded.shared_inbox,
				key_id = excluded.key_id, public_key_pem = excluded.public_key_pem, fetched_at = excluded.fetched_at,
				username = excluded.username, name = excluded.name, icon = excluded.icon, url = excluded.url,
				followers = excluded.followers`,
			a.ID, a.Inbox, a.SharedInbox, a.KeyID, a.PublicKeyPEM, ts(a.FetchedAt), a.Username, a.Name, a.Icon, a.URL, a.Followers)
		if err != nil || a.KeyID == "" {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO remote_keys (key_id, actor_id) VALUES ($1, $2)
			ON CONFLICT (key_id) DO UPDATE SET actor_id = excluded.actor_id`, a.KeyID, a.ID)
		return err
	})
	if err != nil {
		return fmt.Errorf("save remote actor %s: %w", a.ID, err)
	}
	return nil
}
