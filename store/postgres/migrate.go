package postgres

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"regexp"
	"strconv"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// migrationFiles are the schema's versions: migrations/NNNN_what.sql, each
// applied once, in order, in its own transaction. A migration, once
// released, is never edited: a change is a new file.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrationLock is the key of the session advisory lock under which Open
// migrates, so that replicas starting at once apply each migration once.
// It is "herald" in ASCII; nothing else in Herald's database uses advisory
// locks with this key.
const migrationLock int64 = 0x68_65_72_61_6c_64

// migration is one file of migrationFiles.
type migration struct {
	version int
	name    string
	sql     string
}

var migrationName = regexp.MustCompile(`^(\d{4})_[a-z0-9_]+\.sql$`)

// migrations reads the embedded migrations in version order; their
// versions must rise from 1 without repeats. A gap is allowed: a number
// may be taken by work not merged yet, whose migration a database then
// gets when it comes (migrate applies every version a database lacks).
func migrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, e := range entries { // ReadDir sorts by name
		m := migrationName.FindStringSubmatch(e.Name())
		if m == nil {
			return nil, fmt.Errorf("migration %s: name is not NNNN_what.sql", e.Name())
		}
		version, _ := strconv.Atoi(m[1])
		if version < 1 || (len(out) > 0 && version <= out[len(out)-1].version) {
			return nil, fmt.Errorf("migration %s: version %d does not follow the one before", e.Name(), version)
		}
		raw, err := migrationFiles.ReadFile("migrations/" + e.Name())
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: version, name: e.Name(), sql: string(raw)})
	}
	return out, nil
}

// migrate applies the migrations the database lacks, holding migrationLock
// meanwhile on one connection. It fails when the database has a version
// this Herald does not know (a newer Herald migrated it).
func migrate(ctx context.Context, pool *pgxpool.Pool) error {
	all, err := migrations()
	if err != nil {
		return err
	}
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", migrationLock); err != nil {
		return fmt.Errorf("take the migration lock: %w", err)
	}
	defer func() {
		if _, err := conn.Exec(context.Background(), "SELECT pg_advisory_unlock($1)", migrationLock); err != nil {
			// Ending the session releases the lock.
			_ = conn.Hijack().Close(context.Background())
		}
	}()
	_, err = conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version integer PRIMARY KEY,
		applied_at timestamptz NOT NULL DEFAULT now())`)
	if err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	pending, err := unapplied(ctx, conn, all)
	if err != nil {
		return err
	}
	for _, m := range pending {
		err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, m.sql); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, "INSERT INTO schema_migrations (version) VALUES ($1)", m.version)
			return err
		})
		if err != nil {
			return fmt.Errorf("apply migration %s: %w", m.name, err)
		}
	}
	return nil
}

// unapplied returns the migrations of all that the database lacks, in
// order. It fails when the database has a version that all does not have
// (a newer Herald migrated it).
func unapplied(ctx context.Context, conn *pgxpool.Conn, all []migration) ([]migration, error) {
	rows, err := conn.Query(ctx, "SELECT version FROM schema_migrations")
	if err != nil {
		return nil, fmt.Errorf("read schema version: %w", err)
	}
	applied, err := pgx.CollectRows(rows, pgx.RowTo[int])
	if err != nil {
		return nil, fmt.Errorf("read schema version: %w", err)
	}
	known := map[int]bool{}
	for _, m := range all {
		known[m.version] = true
	}
	done := map[int]bool{}
	for _, v := range applied {
		if !known[v] {
			return nil, fmt.Errorf("the database's schema version %d is newer than this Herald's (%d)", v, all[len(all)-1].version)
		}
		done[v] = true
	}
	var out []migration
	for _, m := range all {
		if !done[m.version] {
			out = append(out, m)
		}
	}
	return out, nil
}
