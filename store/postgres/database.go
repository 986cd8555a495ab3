package postgres

import (
	"errors"
	"fmt"
	"io"
	"net/url"

	"github.com/jackc/pgx/v5"
)

// ErrNoBackup is what Backup returns: Herald does not copy a PostgreSQL
// database itself.
var ErrNoBackup = errors.New("backup: Herald does not snapshot a PostgreSQL store; back it up with pg_dump (or PostgreSQL's continuous archiving)")

// Backup fails with ErrNoBackup, writing nothing: a PostgreSQL store is
// backed up with PostgreSQL's own tools, pg_dump for a consistent
// snapshot while Herald runs, or continuous archiving. (The bbolt store's
// Backup writes a bbolt file, which this store could not open anyway.)
func (s *Store) Backup(io.Writer) (int64, error) {
	return 0, ErrNoBackup
}

// Size returns the size of the current database in bytes
// (pg_database_size), for metrics and health checks.
func (s *Store) Size() (int64, error) {
	ctx, cancel := s.op()
	defer cancel()
	var n int64
	if err := s.pool.QueryRow(ctx, "SELECT pg_database_size(current_database())").Scan(&n); err != nil {
		return 0, fmt.Errorf("database size: %w", err)
	}
	return n, nil
}

// Path returns the database's URL as given to Open but without its
// password, for logs (for a key=value connection string: its host, port,
// database and user).
func (s *Store) Path() string {
	return s.path
}

// redact returns raw, the URL given to Open, without its password: a
// postgres:// URL loses the password of its user part and its password
// parameter; a key=value connection string is given as the host, port,
// database and user that pgx parsed from it (cfg).
func redact(raw string, cfg *pgx.ConnConfig) string {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return fmt.Sprintf("host=%s port=%d dbname=%s user=%s", cfg.Host, cfg.Port, cfg.Database, cfg.User)
	}
	if u.User != nil {
		u.User = url.User(u.User.Username())
	}
	if q := u.Query(); q.Has("password") {
		q.Del("password")
		u.RawQuery = q.Encode()
	}
	return u.String()
}
