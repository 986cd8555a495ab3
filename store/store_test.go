package store

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// t0 is the fixed "now" of the tests.
var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

// testDB is a Store in t.TempDir() that can be closed and reopened. After the
// test it is closed and the file is checked for consistency with tx.Check,
// like bbolt's internal/btesting.
type testDB struct {
	*Store
	t   *testing.T
	dir string
}

func openTestDB(t *testing.T) *testDB {
	t.Helper()
	db := &testDB{t: t, dir: t.TempDir()}
	db.open()
	t.Cleanup(func() {
		db.close()
		checkConsistency(t, filepath.Join(db.dir, FileName))
	})
	return db
}

func (db *testDB) open() {
	db.t.Helper()
	s, err := Open(db.dir)
	if err != nil {
		db.t.Fatalf("Open: %v", err)
	}
	db.Store = s
}

func (db *testDB) close() {
	db.t.Helper()
	if db.Store == nil {
		return
	}
	if err := db.Store.Close(); err != nil {
		db.t.Errorf("Close: %v", err)
	}
	db.Store = nil
}

// reopen simulates a restart of Herald.
func (db *testDB) reopen() {
	db.t.Helper()
	db.close()
	db.open()
}

// checkConsistency opens the closed file read-only and reports every error
// bbolt's consistency check finds.
func checkConsistency(t *testing.T, path string) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		t.Fatalf("open for check: %v", err)
	}
	defer db.Close()
	err = db.View(func(tx *bolt.Tx) error {
		for err := range tx.Check() {
			t.Errorf("consistency check: %v", err)
		}
		for _, name := range topLevelBuckets {
			if tx.Bucket(name) == nil {
				t.Errorf("bucket %s missing", name)
			}
		}
		return nil
	})
	if err != nil {
		t.Errorf("check: %v", err)
	}
}

func TestOpenCreatesFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	s, err := Open(dir)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if want := filepath.Join(dir, FileName); s.Path() != want {
		t.Errorf("Path = %q, want %q", s.Path(), want)
	}
	if _, err := os.Stat(s.Path()); err != nil {
		t.Errorf("file not created: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	checkConsistency(t, filepath.Join(dir, FileName))
}

func TestOpenLocked(t *testing.T) {
	db := openTestDB(t)
	start := time.Now()
	s, err := Open(db.dir)
	if err == nil {
		s.Close()
		t.Fatal("second Open succeeded while the first is open")
	}
	if !errors.Is(err, ErrLocked) {
		t.Errorf("second Open: %v, want ErrLocked", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("second Open took %v, want about a second", d)
	}
}

// TestRestart checks Herald's restart guarantee: everything a method
// committed is there after Close and Open.
func TestRestart(t *testing.T) {
	db := openTestDB(t)
	key := []byte("-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----\n")
	if _, err := db.ActorKey("blog", func() ([]byte, error) { return key, nil }); err != nil {
		t.Fatal(err)
	}
	follower := Follower{ID: "https://a.example/u/1", Inbox: "https://a.example/u/1/inbox", SharedInbox: "https://a.example/inbox", FollowID: "https://a.example/f/1", Since: t0}
	if _, err := db.AddFollower("blog", follower, doc("https://h.example/accept/1"), t0); err != nil {
		t.Fatal(err)
	}
	state := FeedState{URL: "https://blog.example/feed.xml", ETag: `"v1"`, Initialised: true, LastSuccess: t0}
	p := testPost("one", t0)
	if _, err := db.ApplyPoll("blog", state, []Post{p}, true, t0); err != nil {
		t.Fatal(err)
	}
	remote := RemoteActor{ID: "https://a.example/u/1", Inbox: "https://a.example/u/1/inbox", KeyID: "https://a.example/u/1#key", PublicKeyPEM: "PEM", FetchedAt: t0}
	if err := db.SaveRemoteActor(remote); err != nil {
		t.Fatal(err)
	}

	db.reopen()

	gotKey, err := db.ActorKey("blog", func() ([]byte, error) { return nil, errors.New("must not generate") })
	if err != nil || !bytes.Equal(gotKey, key) {
		t.Errorf("ActorKey after reopen = %q, %v; want the stored key", gotKey, err)
	}
	if got, err := db.Followers("blog"); err != nil || !reflect.DeepEqual(got, []Follower{follower}) {
		t.Errorf("Followers after reopen = %+v, %v", got, err)
	}
	if got, err := db.FeedState("blog"); err != nil || !reflect.DeepEqual(got, state) {
		t.Errorf("FeedState after reopen = %+v, %v; want %+v", got, err, state)
	}
	if got, err := db.SeenItems("blog"); err != nil || !reflect.DeepEqual(got, map[string]SeenItem{"one": p.Item}) {
		t.Errorf("SeenItems after reopen = %+v, %v", got, err)
	}
	for _, d := range []Document{p.Object, p.Activity, doc("https://h.example/accept/1")} {
		if got, err := db.Document(d.ID); err != nil || !bytes.Equal(got, d.JSON) {
			t.Errorf("Document(%s) after reopen = %s, %v", d.ID, got, err)
		}
	}
	// One Accept to the personal inbox, one Create to the shared inbox.
	if n, err := db.PendingJobs(); err != nil || n != 2 {
		t.Errorf("PendingJobs after reopen = %d, %v; want 2", n, err)
	}
	if entries, total, err := db.Outbox("blog", time.Time{}, 10); err != nil || total != 1 || len(entries) != 1 {
		t.Errorf("Outbox after reopen = %d entries, total %d, %v", len(entries), total, err)
	}
	if got, found, err := db.RemoteActorByKey(remote.KeyID); err != nil || !found || !reflect.DeepEqual(got, remote) {
		t.Errorf("RemoteActorByKey after reopen = %+v, %t, %v", got, found, err)
	}
}

func TestActorKey(t *testing.T) {
	db := openTestDB(t)
	calls := 0
	gen := func() ([]byte, error) {
		calls++
		return []byte("key-1"), nil
	}
	for i := range 2 {
		got, err := db.ActorKey("blog", gen)
		if err != nil || string(got) != "key-1" {
			t.Fatalf("call %d: ActorKey = %q, %v", i, got, err)
		}
	}
	if calls != 1 {
		t.Errorf("generate called %d times, want 1", calls)
	}
	got, err := db.ActorKey("other", func() ([]byte, error) { return []byte("key-2"), nil })
	if err != nil || string(got) != "key-2" {
		t.Errorf("ActorKey(other) = %q, %v; keys are per handle", got, err)
	}
	db.reopen()
	got, err = db.ActorKey("blog", gen)
	if err != nil || string(got) != "key-1" || calls != 1 {
		t.Errorf("after reopen: ActorKey = %q, %v, %d generate calls", got, err, calls)
	}
}
