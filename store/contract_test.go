package store_test

import (
	"testing"

	"herald/store"
	"herald/store/storetest"
)

// TestContract runs the store's contract (package storetest) against the
// bbolt store.
func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storetest.Backend {
		s, err := store.Open(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if err := s.Close(); err != nil {
				t.Error(err)
			}
		})
		return s
	})
}
