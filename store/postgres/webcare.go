package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"herald/store"
)

// AddWebcareUser records u, or returns store.ErrExists when its name is
// taken.
func (s *Store) AddWebcareUser(u store.WebcareUser) error {
	if u.Name == "" || u.Handle == "" || len(u.PasswordHash) == 0 {
		return errors.New("add webcare user: name, handle and password hash are required")
	}
	tag, err := s.exec("INSERT INTO webcare_users (name, body) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING", u.Name, u)
	if err != nil {
		return fmt.Errorf("add webcare user %s: %w", u.Name, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("user %s: %w", u.Name, store.ErrExists)
	}
	return nil
}

// WebcareUser returns the user called name, or store.ErrNotFound.
func (s *Store) WebcareUser(name string) (u store.WebcareUser, err error) {
	ctx, cancel := s.op()
	defer cancel()
	err = s.pool.QueryRow(ctx, "SELECT body FROM webcare_users WHERE name = $1", name).Scan(&u)
	if notFound(err) {
		return store.WebcareUser{}, fmt.Errorf("user %s: %w", name, store.ErrNotFound)
	}
	return u, err
}

// WebcareUsers returns every user, by name.
func (s *Store) WebcareUsers() ([]store.WebcareUser, error) {
	ctx, cancel := s.op()
	defer cancel()
	rows, err := s.pool.Query(ctx, "SELECT body FROM webcare_users ORDER BY name")
	if err != nil {
		return nil, err
	}
	users, err := pgx.CollectRows(rows, pgx.RowTo[store.WebcareUser])
	if len(users) == 0 {
		users = nil
	}
	return users, err
}

// RemoveWebcareUser removes the user called name and, in the same
// transaction, revokes (at at) every access token and drops every code it
// was granted; it returns how many tokens that revoked, or
// store.ErrNotFound.
func (s *Store) RemoveWebcareUser(name string, at time.Time) (revoked int, err error) {
	err = s.inTx(func(ctx context.Context, tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, "DELETE FROM webcare_users WHERE name = $1", name)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return fmt.Errorf("user %s: %w", name, store.ErrNotFound)
		}
		revoked, err = revokeTokensOf(ctx, tx, store.PrincipalUser, name, at)
		return err
	})
	return revoked, err
}

// AddAudit appends e to the audit log.
func (s *Store) AddAudit(e store.AuditEntry) error {
	if e.At.IsZero() {
		return errors.New("add audit: the entry has no time")
	}
	_, err := s.exec("INSERT INTO audit (at, body) VALUES ($1, $2)", e.At, e)
	return err
}

// Audit returns up to limit entries of the audit log from before before
// (zero: from the newest), newest first.
func (s *Store) Audit(before time.Time, limit int) ([]store.AuditEntry, error) {
	if limit <= 0 {
		return nil, nil
	}
	ctx, cancel := s.op()
	defer cancel()
	rows, err := s.pool.Query(ctx, `SELECT body FROM audit WHERE $1::timestamptz IS NULL OR at < $1
		ORDER BY at DESC, seq DESC LIMIT $2`, ts(before), limit)
	if err != nil {
		return nil, err
	}
	entries, err := pgx.CollectRows(rows, pgx.RowTo[store.AuditEntry])
	if len(entries) == 0 {
		entries = nil
	}
	return entries, err
}
