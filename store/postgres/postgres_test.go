package postgres_test

import (
	"context"
	"os"
	"testing"

	"herald/pgtest"
	"herald/store/postgres"
	"herald/store/storetest"
)

func TestMain(m *testing.M) {
	os.Exit(pgtest.Main(m))
}

// open opens the store on a fresh database, closed at cleanup.
func open(t *testing.T) *postgres.Store {
	t.Helper()
	s, err := postgres.Open(context.Background(), pgtest.Database(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	return s
}

// TestContract runs the store's contract (package storetest) against the
// PostgreSQL store.
func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storetest.Backend { return open(t) })
}
