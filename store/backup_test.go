package store

import (
	"os"
	"path/filepath"
	"testing"
)

func TestBackupWhileOpen(t *testing.T) {
	db := openTestDB(t)
	if _, err := db.ActorKey("news", func() ([]byte, error) { return []byte("KEY"), nil }); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveFeedState("news", FeedState{URL: "https://example.org/feed", Initialised: true}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	f, err := os.Create(filepath.Join(dir, FileName))
	if err != nil {
		t.Fatal(err)
	}
	n, err := db.Backup(f)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	if size, _ := db.Size(); n != size || n == 0 {
		t.Fatalf("backup wrote %d bytes, database is %d", n, size)
	}
	// The store stays usable, and the snapshot opens as a store of its own.
	if err := db.SaveFeedState("news", FeedState{URL: "https://example.org/feed2"}); err != nil {
		t.Fatal(err)
	}
	copy, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer copy.Close()
	st, err := copy.FeedState("news")
	if err != nil || st.URL != "https://example.org/feed" || !st.Initialised {
		t.Fatalf("snapshot feed state = %+v, %v", st, err)
	}
	if key, _ := copy.ActorKey("news", nil); string(key) != "KEY" {
		t.Fatalf("snapshot key = %q", key)
	}
}
