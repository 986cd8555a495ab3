package store_test

import (
	"crypto/sha256"
	"fmt"
	"testing"
	"time"

	"herald/store"
)

// TestSeenSignaturesBounded: the bbolt store's digests in memory never
// exceed their bound; expired ones go first, so the valid ones recorded
// before a full table are still caught as replays when room was made by
// dropping expired ones.
func TestSeenSignaturesBounded(t *testing.T) {
	s, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	store.LimitSeenSignatures(s, 4)
	t0 := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	see := func(sig string, at, until time.Time) bool {
		d := sha256.Sum256([]byte(sig))
		seen, err := s.SeeSignature(d[:], at, until)
		if err != nil {
			t.Fatal(err)
		}
		return seen
	}
	for i := range 2 { // expire at t0 + 1 min
		see(fmt.Sprint("short-", i), t0, t0.Add(time.Minute))
	}
	for i := range 2 { // valid for an hour
		see(fmt.Sprint("long-", i), t0, t0.Add(time.Hour))
	}
	later := t0.Add(2 * time.Minute)
	if see("new", later, later.Add(time.Hour)) {
		t.Fatal("a new signature counted as seen")
	}
	for i := range 2 {
		if !see(fmt.Sprint("long-", i), later, later.Add(time.Hour)) {
			t.Errorf("long-%d, still valid, was dropped while expired ones could go", i)
		}
	}
	for i := range 100 {
		see(fmt.Sprint("flood-", i), later, later.Add(time.Hour))
	}
	if n, err := s.PruneSignatures(later.Add(2*time.Hour), 1000); err != nil || n != 4 {
		t.Errorf("the store held %d digests (%v), want its bound of 4", n, err)
	}
}
