package store

import (
	"slices"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// TestUncopied: a fresh store has nothing that Dump leaves behind; a
// bucket Dump does not know is reported once it holds a record.
func TestUncopied(t *testing.T) {
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if left, err := s.Uncopied(); err != nil || len(left) != 0 {
		t.Fatalf("fresh store: %v, %v", left, err)
	}
	err = s.db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucket([]byte("novel"))
		if err != nil {
			return err
		}
		return b.Put([]byte("k"), []byte("v"))
	})
	if err != nil {
		t.Fatal(err)
	}
	if left, err := s.Uncopied(); err != nil || !slices.Equal(left, []string{"novel"}) {
		t.Errorf("with a new bucket: %v, %v", left, err)
	}
}

// TestEveryBucketDumped: every bucket Open makes is dumped or derived, so
// `herald store copy` carries everything; a bucket added to the store
// without a dumper fails here, not at an operator's copy.
func TestEveryBucketDumped(t *testing.T) {
	for _, name := range slices.Concat(topLevelBuckets, queueBuckets, webcareBuckets, statusBuckets) {
		if !slices.ContainsFunc(slices.Concat(dumpedBuckets, derivedBuckets), func(b []byte) bool { return string(b) == string(name) }) {
			t.Errorf("bucket %s is neither dumped nor derived", name)
		}
	}
}
