// Package postgres is Herald's store in PostgreSQL (14 or newer): the same
// methods, with the same semantics, as the bbolt store of package store,
// whose types it uses, so that several Herald processes can share one
// database.
//
// Every method runs in one transaction (read committed; reads of several
// statements see one snapshot) and returns once it is committed. A *Store
// is safe for concurrent use, also by several processes on one database:
// counts are added in SQL, never read and written back; inserts that must
// happen once are INSERT ... ON CONFLICT; a job's outcome changes its row
// with one statement that names the due time of the worker's copy;
// read-modify-writes in Go lock their rows first (SELECT ... FOR UPDATE,
// DELETE ... RETURNING); CommitPoll locks its feed's row first. A
// transaction aborted for a deadlock is run again (inTx). The schema is
// made and upgraded by Open (migrate.go). Times are kept to the
// microsecond and come back in UTC, except outbox positions, which keep
// their nanoseconds. Errors wrap store.ErrNotFound where the bbolt store
// returns it. Delivery outcomes, Follows and saves of remote actors have
// a group commit, as in the bbolt store (outcome_groups.go,
// follow_groups.go, remote_groups.go); other writes are a transaction
// each, whose commits PostgreSQL flushes together when they come at once.
// Backup is the one method that does not do what the bbolt store's does:
// it fails with ErrNoBackup, as PostgreSQL is backed up with pg_dump.
package postgres

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5/pgxpool"

	"herald/store"
)

// defaultMaxConns is how many connections a store opens at most unless
// the URL says (pool_max_conns). pgx's own default, 4 on two cores, made
// the inbox's reads wait for connections while the group commits held
// theirs through a flush of the WAL.
const defaultMaxConns = 16

// Store is the PostgreSQL database.
type Store struct {
	pool *pgxpool.Pool
	path string // the database's URL without password (Path)
	// outcomes is the group commit of outcomes (outcome_groups.go).
	outcomes *store.GroupQueue[outcomeRequest]
	// follows is the group commit of Follows (follow_groups.go).
	follows *store.GroupQueue[followRequest]
	// actors is the group commit of the remote actor cache (remote_groups.go).
	actors    *store.GroupQueue[actorRequest]
	closeOnce sync.Once
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
	if !strings.Contains(url, "pool_max_conns") {
		cfg.MaxConns = defaultMaxConns
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
	s := &Store{pool: pool, path: redact(url, cfg.ConnConfig)}
	s.outcomes = store.NewGroupQueue(s.commitGroup) // Close stops the three
	s.follows = store.NewGroupQueue(s.commitFollows)
	s.actors = store.NewGroupQueue(s.commitActors)
	return s, nil
}

// Close stops the group commits (a group being committed is finished;
// outcomes, Follows and remote actors written after Close began fail)
// and closes the connections, waiting for the methods running. Calls
// after the first do nothing more.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		s.outcomes.Close()
		s.follows.Close()
		s.actors.Close()
		s.pool.Close()
	})
	return nil
}
