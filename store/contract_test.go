package store_test

import (
	"path/filepath"
	"testing"

	"herald/store"
	"herald/store/storetest"
)

// TestContract runs the store's contract (package storetest) against the
// bbolt store; after each check the closed file must pass bbolt's
// consistency check.
func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storetest.Backend {
		dir := t.TempDir()
		s, err := store.Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if err := s.Close(); err != nil {
				t.Error(err)
			}
			store.CheckConsistency(t, filepath.Join(dir, store.FileName))
		})
		return s
	})
}
