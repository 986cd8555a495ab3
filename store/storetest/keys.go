package storetest

import (
	"bytes"
	"errors"
	"sync"
	"testing"

	"herald/store"
)

var errBoom = errors.New("boom")

var keyChecks = []check{
	{"ActorKey/generated once per handle", checkActorKey},
	{"ActorKey/failed generation stores nothing", checkActorKeyGenerateFails},
	{"ActorKey/racing callers get the first key stored", checkActorKeyConcurrent},
	{"ResealActorKey", checkResealActorKey},
	{"RotateActorKey", checkRotateActorKey},
}

func checkActorKey(t *testing.T, b Backend) {
	calls := 0
	gen := func() ([]byte, error) {
		calls++
		return []byte("key-1"), nil
	}
	for i := range 2 {
		got, err := b.ActorKey("blog", gen)
		if err != nil || string(got) != "key-1" {
			t.Fatalf("call %d: ActorKey = %q, %v", i, got, err)
		}
	}
	if calls != 1 {
		t.Errorf("generate called %d times, want 1", calls)
	}
	got, err := b.ActorKey("other", func() ([]byte, error) { return []byte("key-2"), nil })
	if err != nil || string(got) != "key-2" {
		t.Errorf("ActorKey(other) = %q, %v; keys are per handle", got, err)
	}
}

func checkActorKeyGenerateFails(t *testing.T, b Backend) {
	tests := []struct {
		name string
		gen  func() ([]byte, error)
		is   error
	}{
		{"error", func() ([]byte, error) { return nil, errBoom }, errBoom},
		{"empty key", func() ([]byte, error) { return []byte{}, nil }, nil},
	}
	for _, tt := range tests {
		handle := "blog-" + tt.name
		if _, err := b.ActorKey(handle, tt.gen); err == nil || (tt.is != nil && !errors.Is(err, tt.is)) {
			t.Fatalf("%s: ActorKey error = %v, want %v", tt.name, err, tt.is)
		}
		got, err := b.ActorKey(handle, func() ([]byte, error) { return []byte("good"), nil })
		if err != nil || string(got) != "good" {
			t.Errorf("%s: next ActorKey = %q, %v; the failure must store nothing", tt.name, got, err)
		}
	}
}

// checkActorKeyConcurrent makes both callers generate (each generate waits
// until the other has started) and checks that both get the key stored
// first.
func checkActorKeyConcurrent(t *testing.T, b Backend) {
	var started sync.WaitGroup
	started.Add(2)
	var mu sync.Mutex
	n := 0
	gen := func() ([]byte, error) {
		mu.Lock()
		n++
		key := []byte{'k', byte('0' + n)}
		mu.Unlock()
		started.Done()
		started.Wait()
		return key, nil
	}
	var got [2][]byte
	var errs [2]error
	var wg sync.WaitGroup
	for i := range 2 {
		wg.Go(func() { got[i], errs[i] = b.ActorKey("blog", gen) })
	}
	wg.Wait()
	if errs[0] != nil || errs[1] != nil {
		t.Fatalf("ActorKey: %v, %v", errs[0], errs[1])
	}
	if !bytes.Equal(got[0], got[1]) {
		t.Errorf("callers got different keys %q and %q", got[0], got[1])
	}
	stored, err := b.ActorKey("blog", func() ([]byte, error) { return nil, errBoom })
	if err != nil || !bytes.Equal(stored, got[0]) {
		t.Errorf("stored key = %q, %v; want %q", stored, err, got[0])
	}
}

func checkResealActorKey(t *testing.T, b Backend) {
	if _, err := b.ActorKey("blog", func() ([]byte, error) { return []byte("plain"), nil }); err != nil {
		t.Fatal(err)
	}
	if ok, err := b.ResealActorKey("blog", []byte("other"), []byte("sealed")); err != nil || ok {
		t.Errorf("ResealActorKey of a changed key = %t, %v; want false", ok, err)
	}
	if ok, err := b.ResealActorKey("blog", []byte("plain"), []byte("sealed")); err != nil || !ok {
		t.Errorf("ResealActorKey = %t, %v; want true", ok, err)
	}
	if got, _ := b.ActorKey("blog", nil); string(got) != "sealed" {
		t.Errorf("key after reseal = %q", got)
	}
	// An empty old stands for no key at all.
	if ok, err := b.ResealActorKey("blog", nil, []byte("again")); err != nil || ok {
		t.Errorf("ResealActorKey of a stored key from nothing = %t, %v; want false", ok, err)
	}
	if ok, err := b.ResealActorKey("new", nil, []byte("sealed-new")); err != nil || !ok {
		t.Errorf("ResealActorKey of no key from nothing = %t, %v; want true", ok, err)
	}
	if got, _ := b.ActorKey("new", nil); string(got) != "sealed-new" {
		t.Errorf("key after reseal from nothing = %q", got)
	}
}

func checkRotateActorKey(t *testing.T, b Backend) {
	if err := b.RotateActorKey("blog", []byte("fresh"), "blog@previous", []byte("old")); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("RotateActorKey without a key: %v, want ErrNotFound", err)
	}
	if got, err := b.ActorKey("blog@previous", func() ([]byte, error) { return []byte("none"), nil }); err != nil || string(got) != "none" {
		t.Errorf("a failed rotation stored the previous key: %q, %v", got, err)
	}
	if _, err := b.ActorKey("blog", func() ([]byte, error) { return []byte("old"), nil }); err != nil {
		t.Fatal(err)
	}
	if err := b.RotateActorKey("blog", []byte("fresh"), "blog@previous2", []byte("old-sealed")); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"blog": "fresh", "blog@previous2": "old-sealed"} {
		if got, err := b.ActorKey(name, nil); err != nil || string(got) != want {
			t.Errorf("ActorKey(%s) after rotation = %q, %v; want %q", name, got, err, want)
		}
	}
}
