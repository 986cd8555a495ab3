package delivery

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"
)

// TestBodyCacheLoadsOnce asks for one activity's body from many goroutines
// at once, as the first requests of a fan-out do: the store is read once,
// every caller gets the body, and a failed load is not cached.
func TestBodyCacheLoadsOnce(t *testing.T) {
	var loads atomic.Int32
	release := make(chan struct{})
	c := newBodyCache(func(id string) ([]byte, error) {
		loads.Add(1)
		<-release // hold the load until every caller is waiting
		if id == "missing" {
			return nil, errors.New("not found")
		}
		return []byte(`{"id":"` + id + `"}`), nil
	})
	const callers = 100
	var ready, done sync.WaitGroup
	ready.Add(callers)
	errs := make(chan error, callers)
	for range callers {
		done.Go(func() {
			ready.Done()
			body, err := c.get("a")
			if err == nil && string(body.Bytes()) != `{"id":"a"}` {
				err = errors.New("wrong body " + string(body.Bytes()))
			}
			errs <- err
		})
	}
	ready.Wait()
	close(release)
	done.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := loads.Load(); n != 1 {
		t.Fatalf("%d loads for one body, want 1", n)
	}
	if _, err := c.get("missing"); err == nil {
		t.Fatal("missing body: no error")
	}
	if _, err := c.get("missing"); err == nil || loads.Load() != 3 {
		t.Fatalf("a failed load was cached (%d loads)", loads.Load())
	}
}
