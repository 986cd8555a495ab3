package postgres_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"herald/pgtest"
	"herald/store/postgres"
)

// migrationsApplied returns the applied versions and when each was applied.
func migrationsApplied(t *testing.T, conn *pgx.Conn) map[int]time.Time {
	t.Helper()
	rows, err := conn.Query(context.Background(), "SELECT version, applied_at FROM schema_migrations")
	if err != nil {
		t.Fatal(err)
	}
	out := map[int]time.Time{}
	var v int
	var at time.Time
	_, err = pgx.ForEachRow(rows, []any{&v, &at}, func() error {
		if _, dup := out[v]; dup {
			t.Errorf("version %d applied twice", v)
		}
		out[v] = at
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestOpenConcurrent: replicas that start at once on a fresh database
// apply each migration once, and all of them open.
func TestOpenConcurrent(t *testing.T) {
	url := pgtest.Database(t)
	var wg sync.WaitGroup
	stores := make([]*postgres.Store, 4)
	errs := make([]error, 4)
	for i := range stores {
		wg.Go(func() { stores[i], errs[i] = postgres.Open(context.Background(), url) })
	}
	wg.Wait()
	for i, s := range stores {
		if errs[i] != nil {
			t.Fatalf("Open %d: %v", i, errs[i])
		}
		defer s.Close()
	}
	conn := pgtest.Connect(t, url)
	applied := migrationsApplied(t, conn)
	if len(applied) == 0 || applied[1].IsZero() {
		t.Fatalf("schema_migrations = %v, want version 1", applied)
	}
	var tables int
	err := conn.QueryRow(context.Background(), "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename = 'jobs'").Scan(&tables)
	if err != nil || tables != 1 {
		t.Errorf("jobs tables = %d, %v; want 1", tables, err)
	}
	// Opening again changes nothing.
	again, err := postgres.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	again.Close()
	if later := migrationsApplied(t, conn); len(later) != len(applied) || !later[1].Equal(applied[1]) {
		t.Errorf("a second Open migrated again: %v, was %v", later, applied)
	}
}

// TestOpenNewerSchema: a database migrated by a newer Herald is refused.
func TestOpenNewerSchema(t *testing.T) {
	url := pgtest.Database(t)
	s, err := postgres.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	conn := pgtest.Connect(t, url)
	if _, err := conn.Exec(context.Background(), "INSERT INTO schema_migrations (version) VALUES (9999)"); err != nil {
		t.Fatal(err)
	}
	if s, err := postgres.Open(context.Background(), url); err == nil {
		s.Close()
		t.Fatal("Open of a newer schema succeeded")
	} else if !strings.Contains(err.Error(), "9999") {
		t.Errorf("Open error %q does not name the version", err)
	}
}

// TestOpenErrors: errors say what failed, without the password.
func TestOpenErrors(t *testing.T) {
	tests := []struct {
		name, url, want string
	}{
		{"bad URL", "postgres://herald:secret@127.0.0.1:%zz/db", "database URL"},
		{"no server", "postgres://herald:secret@127.0.0.1:1/db?connect_timeout=2", "connect to database db on 127.0.0.1:1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := postgres.Open(context.Background(), tt.url)
			if err == nil {
				s.Close()
				t.Fatal("Open succeeded")
			}
			if !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "secret") {
				t.Errorf("Open error = %q, want it to contain %q and not the password", err, tt.want)
			}
			t.Log(err)
		})
	}
}
