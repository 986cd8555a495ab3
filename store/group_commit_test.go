package store

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// TestGroupCommit runs many writes at once, of which one fails and one
// panics: every other write is committed, the two get their own errors,
// the store goes on working, and a write after Close fails without
// blocking.
func TestGroupCommit(t *testing.T) {
	st, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	bad := errors.New("bad write")
	const n = 200
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			errs[i] = st.batch(func(tx *bolt.Tx) error {
				switch i {
				case 7:
					return bad
				case 8:
					panic("boom")
				}
				return tx.Bucket(bucketDocuments).Put(fmt.Appendf(nil, "doc-%d", i), []byte("{}"))
			})
		})
	}
	wg.Wait()
	for i, err := range errs {
		switch {
		case i == 7 && !errors.Is(err, bad), i == 8 && err == nil, i != 7 && i != 8 && err != nil:
			t.Errorf("write %d: %v", i, err)
		}
	}
	for i := range n {
		_, err := st.Document(fmt.Sprintf("doc-%d", i))
		if (err == nil) == (i == 7 || i == 8) {
			t.Errorf("doc-%d: %v", i, err)
		}
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	if err := st.batch(func(*bolt.Tx) error { return nil }); !errors.Is(err, errClosed) {
		t.Errorf("write after Close: %v, want errClosed", err)
	}
	if err := st.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}
