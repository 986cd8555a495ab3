package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"herald/store"
)

// Ownership returns handle's ownership state, making its token on first
// use. Of two processes asking first at once, the token stored first is
// the one both get.
func (s *Store) Ownership(handle string) (store.Ownership, error) {
	raw := make([]byte, 16)
	if _, err := rand.Read(raw); err != nil {
		return store.Ownership{}, fmt.Errorf("ownership of %s: %w", handle, err)
	}
	var o store.Ownership
	err := s.inTx(func(ctx context.Context, tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO ownership (handle, token, verified, method, last_error)
			VALUES ($1, $2, false, '', '') ON CONFLICT (handle) DO NOTHING`, handle, hex.EncodeToString(raw))
		if err != nil {
			return err
		}
		var verifiedAt, lastCheck *time.Time
		err = tx.QueryRow(ctx, `SELECT token, verified, method, verified_at, last_check, last_error
			FROM ownership WHERE handle = $1`, handle).Scan(&o.Token, &o.Verified, &o.Method, &verifiedAt, &lastCheck, &o.LastError)
		o.VerifiedAt, o.LastCheck = fromTS(verifiedAt), fromTS(lastCheck)
		return err
	})
	if err != nil {
		return store.Ownership{}, fmt.Errorf("ownership of %s: %w", handle, err)
	}
	return o, nil
}

// SaveOwnership stores handle's ownership state.
func (s *Store) SaveOwnership(handle string, o store.Ownership) error {
	ctx, cancel := s.op()
	defer cancel()
	_, err := s.pool.Exec(ctx, `INSERT INTO ownership (handle, token, verified, method, verified_at, last_check, last_error)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (handle) DO UPDATE SET token = excluded.token, verified = excluded.verified, method = excluded.method,
			verified_at = excluded.verified_at, last_check = excluded.last_check, last_error = excluded.last_error`,
		handle, o.Token, o.Verified, o.Method, ts(o.VerifiedAt), ts(o.LastCheck), o.LastError)
	if err != nil {
		return fmt.Errorf("save ownership of %s: %w", handle, err)
	}
	return nil
}
