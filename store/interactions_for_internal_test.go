package store

import (
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// TestIndexInteractionTimesOnOpen: interactions recorded before the
// index by time existed are indexed when the store opens.
func TestIndexInteractionTimesOnOpen(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, id := range []string{"a", "b"} {
		i := Interaction{ID: id, Kind: KindLike, Actor: "https://r.example/" + id, Object: "https://h.example/users/news/posts/1", Received: at}
		if _, err := s.AddInteraction(i); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.db.Update(func(tx *bolt.Tx) error { return tx.DeleteBucket(bucketInteractionTimes) }); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.InteractionsFor("https://h.example/users/news", time.Time{}, time.Time{}, true, 10); len(got) != 0 {
		t.Fatalf("without the index: %d", len(got))
	}
	s.Close()
	if s, err = Open(dir); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got, err := s.InteractionsFor("https://h.example/users/news", time.Time{}, time.Time{}, true, 10); err != nil || len(got) != 2 {
		t.Errorf("after opening again: %d, %v; want 2", len(got), err)
	}
}
