// Package postgres is Herald's store in PostgreSQL (14 or newer): the same
// methods, with the same semantics, as the bbolt store of package store,
// whose types it uses, so that several Herald processes can share one
// database.
//
// Every method runs in one transaction and returns once it is committed.
// A *Store is safe for concurrent use, also by several processes: writes
// that must not interleave take row locks (CommitPoll locks its feed's
// row first). The schema is made and upgraded by Open (migrate.go). Times
// are kept to the microsecond and come back in UTC, except outbox
// positions, which keep their nanoseconds. Errors wrap store.ErrNotFound
// where the bbolt store returns it.
package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Store is the PostgreSQL database.
type Store struct {
	pool *pgxpool.Pool
}

// Open connects to the database at url (postgres://…; pgx's pool
// parameters such as pool_max_conns may be added), brings its schema up
// to date and returns the store. Several processes may open the same
// database at once: each migration is applied once.
func Open(ctx context.Context, url string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("database URL: %w", err)
	}
	where := fmt.Sprintf("database %s on %s:%d", cfg.ConnConfig.Database, cfg.ConnConfig.Host, cfg.ConnConfig.Port)
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", where, err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to %s: %w", where, err)
	}
	if err := migrate(ctx, pool); err != nil {
		pool.Close()
		return nil, fmt.Errorf("migrate %s: %w", where, err)
	}
	return &Store{pool: pool}, nil
}

// Close closes the connections, waiting for the methods running.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}
