package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"herald/pgtest"
)

// TestFeedsAddRemoveShared: on PostgreSQL, "feeds add" and "feeds remove"
// record the edit in the database, where every replica applies it, and
// leave the file as it is; "feeds list" shows the feeds with the edits.
func TestFeedsAddRemoveShared(t *testing.T) {
	path := filepath.Join(t.TempDir(), "herald.yaml")
	original := "base_url: https://news.example.org\ndatabase_url: " + pgtest.Database(t) +
		"\nfeeds:\n  - handle: news\n    url: https://example.org/feed/\n"
	if err := os.WriteFile(path, []byte(original), 0o600); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		args []string
		code int
		list string // the handles "feeds list" shows afterwards
	}{
		{[]string{"feeds", "add", "--config", path, "Roads", "https://example.org/roads.xml"}, 0, "news roads"},
		{[]string{"feeds", "add", "--config", path, "roads", "https://example.org/other.xml"}, 1, "news roads"},
		{[]string{"feeds", "remove", "--config", path, "news"}, 0, "roads"},
		{[]string{"feeds", "remove", "--config", path, "roads"}, 1, "roads"},
	}
	for _, s := range steps {
		code, out, errOut := runCLI(s.args...)
		if code != s.code {
			t.Fatalf("%v: exit %d, want %d\n%s%s", s.args, code, s.code, out, errOut)
		}
		code, out, errOut = runCLI("feeds", "list", "--config", path)
		if code != 0 {
			t.Fatalf("feeds list: exit %d\n%s", code, errOut)
		}
		var handles []string
		for _, line := range strings.Split(strings.TrimSpace(out), "\n")[1:] {
			handles = append(handles, strings.Fields(line)[0])
		}
		if got := strings.Join(handles, " "); got != s.list {
			t.Fatalf("after %v: feeds list shows %q, want %q", s.args, got, s.list)
		}
	}
	if raw, _ := os.ReadFile(path); string(raw) != original {
		t.Errorf("the config file changed:\n%s", raw)
	}
}
