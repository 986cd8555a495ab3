package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"herald/store"
)

// TestRemoteExportErase stores data about two remote accounts, exports one,
// erases it, and checks the other is untouched.
func TestRemoteExportErase(t *testing.T) {
	dir := t.TempDir()
	cfgPath := writeFile(t, "base_url: https://news.example\ndata_dir: "+dir+"\nfeeds: [{handle: news, url: 'https://example.org/feed'}]\n")
	const alice, bob = "https://remote.example/users/alice", "https://remote.example/users/bob"
	st, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, a := range []string{alice, bob} {
		if _, err := st.AddFollower("news", store.Follower{ID: a, Inbox: a + "/inbox", Since: now}, store.Document{ID: a + "/accept", JSON: []byte("{}")}, now); err != nil {
			t.Fatal(err)
		}
		if _, err := st.AddInteraction(store.Interaction{ID: a + "/r", Kind: store.KindReply, Actor: a, Object: "https://news.example/users/news/posts/x", Content: "<p>hi</p>"}); err != nil {
			t.Fatal(err)
		}
		if _, err := st.AddFlag(store.Flag{ID: a + "#f", Actor: a, Objects: []string{"https://news.example/users/news"}, Content: "spam"}); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()

	tests := []struct {
		name       string
		args       []string
		code       int
		wantOut    string
		wantFollow int
	}{
		{name: "export", args: []string{"remote", "export", "--config", cfgPath, alice}, code: exitOK, wantOut: "<p>hi</p>", wantFollow: 1},
		{name: "erase", args: []string{"remote", "erase", "--config", cfgPath, alice}, code: exitOK, wantOut: alice + "/r", wantFollow: 1},
		{name: "export after erase is empty", args: []string{"remote", "export", "--config", cfgPath, alice}, code: exitOK, wantOut: "{}"},
		{name: "the other account is untouched", args: []string{"remote", "export", "--config", cfgPath, bob}, code: exitOK, wantOut: bob + "/r", wantFollow: 1},
		{name: "reports", args: []string{"reports", "--config", cfgPath}, code: exitOK, wantOut: bob + "#f"},
		{name: "not a URL", args: []string{"remote", "erase", "--config", cfgPath, "alice"}, code: exitUsage},
		{name: "no action", args: []string{"remote"}, code: exitUsage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := run(tt.args, &stdout, &stderr); code != tt.code {
				t.Fatalf("exit %d (%s), want %d", code, stderr.String(), tt.code)
			}
			if !strings.Contains(stdout.String(), tt.wantOut) {
				t.Fatalf("stdout %s does not contain %q", stdout.String(), tt.wantOut)
			}
			if tt.wantFollow > 0 {
				var rec store.RemoteRecord
				if err := json.Unmarshal(stdout.Bytes(), &rec); err != nil || len(rec.Following) != tt.wantFollow {
					t.Fatalf("record %+v, %v", rec, err)
				}
			}
		})
	}
}
