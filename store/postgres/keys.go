package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"herald/store"
)

// ActorKey returns the private key PEM stored for handle, creating it with
// generate on first use. The key is generated outside the transaction (RSA
// generation is slow); if two callers race, also in two processes, the
// first one stored wins and both get it. A key, once stored, is never
// replaced. An error from generate, or an empty key, is returned and
// nothing is stored.
func (s *Store) ActorKey(handle string, generate func() ([]byte, error)) ([]byte, error) {
	ctx, cancel := s.op()
	existing, err := s.storedKey(ctx, s.pool, handle)
	cancel()
	if err != nil || existing != nil {
		return existing, err
	}
	fresh, err := generate()
	if err != nil {
		return nil, fmt.Errorf("generate key for %s: %w", handle, err)
	}
	if len(fresh) == 0 {
		return nil, fmt.Errorf("generate key for %s: empty key", handle)
	}
	err = s.inTx(func(ctx context.Context, tx pgx.Tx) error {
		_, err := tx.Exec(ctx, "INSERT INTO actor_keys (name, key) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING", handle, fresh)
		if err != nil {
			return err
		}
		existing, err = s.storedKey(ctx, tx, handle)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store key of %s: %w", handle, err)
	}
	return existing, nil
}

// storedKey returns the key stored under name, nil if there is none.
func (s *Store) storedKey(ctx context.Context, q querier, name string) ([]byte, error) {
	var key []byte
	err := q.QueryRow(ctx, "SELECT key FROM actor_keys WHERE name = $1", name).Scan(&key)
	if notFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read key of %s: %w", name, err)
	}
	return key, nil
}

// ResealActorKey replaces handle's stored key with sealed (the same key,
// encrypted) if the stored value is still old. It returns false when the
// stored value changed meanwhile. An empty old stands for no key, as in
// the bbolt store.
func (s *Store) ResealActorKey(handle string, old, sealed []byte) (bool, error) {
	var replaced bool
	err := s.inTx(func(ctx context.Context, tx pgx.Tx) error {
		sql := "UPDATE actor_keys SET key = $3 WHERE name = $1 AND key = $2"
		if len(old) == 0 {
			sql = "INSERT INTO actor_keys (name, key) VALUES ($1, $3) ON CONFLICT (name) DO UPDATE SET key = $3 WHERE actor_keys.key = $2"
		}
		tag, err := tx.Exec(ctx, sql, handle, orEmpty(old), orEmpty(sealed))
		replaced = tag.RowsAffected() == 1
		return err
	})
	if err != nil {
		return false, fmt.Errorf("reseal key of %s: %w", handle, err)
	}
	return replaced, nil
}

// RotateActorKey stores fresh as handle's key and previous (the current
// key, as it should be kept) under previousName, in one transaction. It
// fails with store.ErrNotFound when handle has no key yet.
func (s *Store) RotateActorKey(handle string, fresh []byte, previousName string, previous []byte) error {
	err := s.inTx(func(ctx context.Context, tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, "UPDATE actor_keys SET key = $2 WHERE name = $1", handle, orEmpty(fresh))
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return store.ErrNotFound
		}
		_, err = tx.Exec(ctx, `INSERT INTO actor_keys (name, key) VALUES ($1, $2)
			ON CONFLICT (name) DO UPDATE SET key = excluded.key`, previousName, orEmpty(previous))
		return err
	})
	if err != nil {
		return fmt.Errorf("rotate key of %s: %w", handle, err)
	}
	return nil
}
