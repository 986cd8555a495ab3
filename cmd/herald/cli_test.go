package main

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"herald/app"
	"herald/config"
	"herald/outbound"
	"herald/store"
)

func runCLI(args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// feedSite serves the WordPress feed at /feed/ and an HTML home page at /.
func feedSite(t *testing.T) *httptest.Server {
	t.Helper()
	feedBody, err := os.ReadFile("../../testdata/wordpress-6.1/1-published.feed.rss.xml")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/" {
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, "<!doctype html><html><head><title>Home</title></head><body>Hi</body></html>")
			return
		}
		w.Header().Set("Content-Type", "application/rss+xml")
		_, _ = w.Write(feedBody)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// clearCheckEnv unsets the variables feeds check reads, for the test.
func clearCheckEnv(t *testing.T) {
	for _, v := range []string{"HERALD_BASE_URL", "HERALD_ALLOW_PRIVATE_ADDRESSES", "HERALD_FETCH_TIMEOUT"} {
		t.Setenv(v, "")
	}
}

func TestFeedsCheck(t *testing.T) {
	clearCheckEnv(t)
	srv := feedSite(t)
	tests := []struct {
		name     string
		args     []string
		code     int
		contains []string
	}{
		{name: "WordPress feed", args: []string{"feeds", "check", "--allow-private", "--handle", "minvz", "--posts", "5", srv.URL + "/feed/"}, code: 0,
			contains: []string{"5 items", "@minvz@herald.example", "Ministerie van Voorbeeldzaken", "Kabinet investeert € 5 miljoen", "No problems found."}},
		{name: "home page instead of feed", args: []string{"feeds", "check", "--allow-private", srv.URL + "/"}, code: 1,
			contains: []string{"PROBLEM", "not RSS, Atom or JSON Feed"}},
		{name: "private address refused by default", args: []string{"feeds", "check", srv.URL + "/feed/"}, code: 1,
			contains: []string{"allow_private_addresses"}},
		{name: "no URL", args: []string{"feeds", "check"}, code: 2},
		{name: "unknown subcommand", args: []string{"feeds", "frob"}, code: 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runCLI(tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\n%s%s", code, tc.code, out, errOut)
			}
			for _, want := range tc.contains {
				if !strings.Contains(out, want) {
					t.Errorf("output lacks %q:\n%s", want, out)
				}
			}
		})
	}
}

// TestFeedsCheckEnv checks that feeds check takes base_url,
// allow_private_addresses and fetch_timeout from their HERALD_* variables,
// as the README says every key can be set, and that flags win over them.
func TestFeedsCheckEnv(t *testing.T) {
	srv := feedSite(t)
	tests := []struct {
		name     string
		env      map[string]string
		args     []string
		code     int
		contains []string
	}{
		{name: "HERALD_ALLOW_PRIVATE_ADDRESSES and HERALD_BASE_URL", env: map[string]string{"HERALD_ALLOW_PRIVATE_ADDRESSES": "true", "HERALD_BASE_URL": "https://fedi.example.org"},
			code: 0, contains: []string{"5 items", "@news@fedi.example.org", "https://fedi.example.org/users/news"}},
		{name: "the flag wins", env: map[string]string{"HERALD_ALLOW_PRIVATE_ADDRESSES": "true"}, args: []string{"--allow-private=false"},
			code: 1, contains: []string{"allow_private_addresses"}},
		{name: "HERALD_FETCH_TIMEOUT", env: map[string]string{"HERALD_ALLOW_PRIVATE_ADDRESSES": "1", "HERALD_FETCH_TIMEOUT": "5s"}, code: 0, contains: []string{"5 items"}},
		{name: "bad boolean", env: map[string]string{"HERALD_ALLOW_PRIVATE_ADDRESSES": "yes please"}, code: 2},
		{name: "bad duration", env: map[string]string{"HERALD_FETCH_TIMEOUT": "soon"}, code: 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			clearCheckEnv(t)
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			args := append(append([]string{"feeds", "check"}, tc.args...), srv.URL+"/feed/")
			code, out, errOut := runCLI(args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\n%s%s", code, tc.code, out, errOut)
			}
			for _, want := range tc.contains {
				if !strings.Contains(out, want) {
					t.Errorf("output lacks %q:\n%s", want, out)
				}
			}
			if tc.code == 2 && !strings.Contains(errOut, "HERALD_") {
				t.Errorf("usage error does not name the variable: %s", errOut)
			}
		})
	}
}

// adminFixture makes a data directory with one follower and a config for it.
func adminFixture(t *testing.T) (cfgPath string, cfg *config.Config) {
	t.Helper()
	dir := t.TempDir()
	cfgPath = filepath.Join(dir, "herald.yaml")
	content := fmt.Sprintf("base_url: https://news.example.org\ndata_dir: %q\nfeeds:\n  - handle: news\n    url: https://example.org/feed/\nadmin_tokens:\n  - token: %q\n    role: operator\n",
		filepath.Join(dir, "data"), strings.Repeat("t", 40))
	if err := os.WriteFile(cfgPath, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(cfgPath, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(cfg.DataDir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	f := store.Follower{ID: "https://social.example/users/alice", Inbox: "https://social.example/users/alice/inbox",
		SharedInbox: "https://social.example/inbox", FollowID: "https://social.example/f/1", Since: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)}
	if _, err := st.AddFollower("news", f, store.Document{ID: "https://news.example.org/users/news/accepts/1", JSON: []byte("{}")}, time.Now()); err != nil {
		t.Fatal(err)
	}
	like := store.Interaction{ID: "https://social.example/likes/1", Kind: store.KindLike, Actor: f.ID, Object: "https://news.example.org/users/news/posts/1", Received: f.Since}
	if _, err := st.AddInteraction(like); err != nil {
		t.Fatal(err)
	}
	return cfgPath, cfg
}

func TestAdminCommandsOnDataDir(t *testing.T) {
	cfgPath, _ := adminFixture(t)
	backup := filepath.Join(t.TempDir(), "copy.db")
	tests := []struct {
		name     string
		args     []string
		code     int
		contains string
	}{
		{name: "followers", args: []string{"followers", "--config", cfgPath, "news"}, code: 0, contains: "https://social.example/users/alice"},
		{name: "stats", args: []string{"stats", "--config", cfgPath, "news"}, code: 0, contains: "followers:     1"},
		{name: "stats interactions", args: []string{"stats", "--config", cfgPath, "news"}, code: 0, contains: "interactions:  1 likes, 0 boosts, 0 replies"},
		{name: "deliveries", args: []string{"deliveries", "--config", cfgPath}, code: 0, contains: "pending deliveries: 1"},
		{name: "feeds list", args: []string{"feeds", "list", "--config", cfgPath}, code: 0, contains: "news"},
		{name: "backup", args: []string{"backup", "--config", cfgPath, backup}, code: 0, contains: "backup written"},
		{name: "unknown handle", args: []string{"stats", "--config", cfgPath, "nobody"}, code: 1},
		{name: "missing handle", args: []string{"followers", "--config", cfgPath}, code: 2},
		{name: "server without token", args: []string{"followers", "--server", "http://127.0.0.1:1", "--token", "", "news"}, code: 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runCLI(tc.args...)
			if code != tc.code || !strings.Contains(out, tc.contains) {
				t.Fatalf("exit %d (want %d), output:\n%s%s", code, tc.code, out, errOut)
			}
		})
	}
	restored := t.TempDir()
	if err := os.Rename(backup, filepath.Join(restored, store.FileName)); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(restored)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if n, _ := st.FollowerCount("news"); n != 1 {
		t.Fatalf("restored backup has %d followers", n)
	}
}

// TestAdminCommandsAgainstRunningServer: while Herald holds the database,
// the commands say so for the data directory and work through the API.
func TestAdminCommandsAgainstRunningServer(t *testing.T) {
	cfgPath, cfg := adminFixture(t)
	st, err := store.Open(cfg.DataDir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	b, err := app.New(app.Options{Config: cfg, Store: st, Client: outbound.NewClient(outbound.Options{}),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(b.Handler())
	defer srv.Close()

	code, _, errOut := runCLI("followers", "--config", cfgPath, "news")
	if code != exitUsage || !strings.Contains(errOut, "--server") {
		t.Fatalf("locked data dir: exit %d, %s", code, errOut)
	}
	token := cfg.AdminTokens[0].Token
	code, out, errOut := runCLI("followers", "--server", srv.URL, "--token", token, "news")
	if code != 0 || !strings.Contains(out, "https://social.example/users/alice") {
		t.Fatalf("followers via API: exit %d\n%s%s", code, out, errOut)
	}
	code, _, errOut = runCLI("stats", "--server", srv.URL, "--token", strings.Repeat("x", 40), "news")
	if code != exitFailed || !strings.Contains(errOut, "401") {
		t.Fatalf("wrong token: exit %d, %s", code, errOut)
	}
	backup := filepath.Join(t.TempDir(), store.FileName)
	if code, out, errOut := runCLI("backup", "--server", srv.URL, "--token", token, backup); code != 0 {
		t.Fatalf("backup via API: exit %d\n%s%s", code, out, errOut)
	}
	copyStore, err := store.Open(filepath.Dir(backup))
	if err != nil {
		t.Fatal(err)
	}
	defer copyStore.Close()
	if n, _ := copyStore.FollowerCount("news"); n != 1 {
		t.Fatalf("backup has %d followers", n)
	}
}

func TestVerify(t *testing.T) {
	var page atomic.Pointer[string]
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, *page.Load())
	}))
	defer srv.Close()
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "herald.yaml")
	content := fmt.Sprintf("base_url: https://fedi.example.org\ndata_dir: %q\nallow_private_addresses: true\nfeeds:\n  - handle: news\n    url: %s/feed/\n", dir, srv.URL)
	if err := os.WriteFile(cfgPath, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		page     string
		code     int
		contains []string
	}{
		{name: "nothing there", page: "<html><head><title>x</title></head></html>", code: 1,
			contains: []string{`<link rel="me" href="https://fedi.example.org/users/news">`, `<meta name="fediverse:creator" content="@news@fedi.example.org">`}},
		{name: "both present", page: `<html><head><link rel="me authn" href="https://fedi.example.org/users/news"><meta name="fediverse:creator" content="@news@fedi.example.org"></head></html>`, code: 0,
			contains: []string{"OK   ", "verified"}},
		{name: "rel=me to another account", page: `<a rel="me" href="https://mastodon.example/@someone">x</a>`, code: 1,
			contains: []string{"found rel=\"me\" links to: https://mastodon.example/@someone"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			page.Store(&tc.page)
			code, out, errOut := runCLI("verify", "--config", cfgPath, "news")
			if code != tc.code {
				t.Fatalf("exit %d, want %d\n%s%s", code, tc.code, out, errOut)
			}
			for _, want := range tc.contains {
				if !strings.Contains(out, want) {
					t.Errorf("output lacks %q:\n%s", want, out)
				}
			}
		})
	}
}

func TestRestore(t *testing.T) {
	cfgPath, cfg := adminFixture(t)
	backup := filepath.Join(t.TempDir(), "copy.db")
	if code, out, errOut := runCLI("backup", "--config", cfgPath, backup); code != 0 {
		t.Fatalf("backup: %s%s", out, errOut)
	}
	// A change after the backup, which the restore undoes.
	st, err := store.Open(cfg.DataDir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.RemoveFollower("news", "https://social.example/users/alice"); err != nil {
		t.Fatal(err)
	}
	garbage := filepath.Join(t.TempDir(), "garbage.db")
	if err := os.WriteFile(garbage, []byte(strings.Repeat("not a database ", 500)), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := runCLI("restore", "--config", cfgPath, backup); code != exitFailed || !strings.Contains(errOut, "stop it first") {
		t.Fatalf("restore while running: exit %d, %s", code, errOut)
	}
	st.Close()
	if code, _, errOut := runCLI("restore", "--config", cfgPath, garbage); code != exitFailed || !strings.Contains(errOut, "not a Herald database") {
		t.Fatalf("restore of garbage: exit %d, %s", code, errOut)
	}
	if code, out, _ := runCLI("stats", "--config", cfgPath, "news"); code != 0 || !strings.Contains(out, "followers:     0") {
		t.Fatalf("a failed restore changed the data:\n%s", out)
	}
	if code, out, errOut := runCLI("restore", "--config", cfgPath, backup); code != 0 || !strings.Contains(out, "restored") {
		t.Fatalf("restore: exit %d\n%s%s", code, out, errOut)
	}
	st, err = store.Open(cfg.DataDir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if n, _ := st.FollowerCount("news"); n != 1 {
		t.Fatalf("after restore: %d followers, want the backup's 1", n)
	}
	if _, err := os.Stat(filepath.Join(cfg.DataDir, store.FileName+".bak")); err != nil {
		t.Fatalf("previous database not kept: %v", err)
	}
}

func TestFeedsAddRemove(t *testing.T) {
	path := filepath.Join(t.TempDir(), "herald.yaml")
	original := "# Herald for the ministry\nbase_url: https://news.example.org # public origin\nfeeds:\n  - handle: news\n    url: https://example.org/feed/\n"
	if err := os.WriteFile(path, []byte(original), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		args     []string
		code     int
		handles  []string
		contains string
	}{
		{name: "add", args: []string{"feeds", "add", "--config", path, "Weather", "https://weather.example.org/feed/"}, code: 0, handles: []string{"news", "weather"}},
		{name: "add a handle twice", args: []string{"feeds", "add", "--config", path, "weather", "https://other.example/feed"}, code: 1, handles: []string{"news", "weather"}},
		{name: "add an invalid URL", args: []string{"feeds", "add", "--config", path, "bad", "ftp://x/feed"}, code: 1, handles: []string{"news", "weather"}},
		{name: "add a bad handle", args: []string{"feeds", "add", "--config", path, "no spaces", "https://x.example/feed"}, code: 1, handles: []string{"news", "weather"}},
		{name: "remove", args: []string{"feeds", "remove", "--config", path, "news"}, code: 0, handles: []string{"weather"}},
		{name: "remove the last feed", args: []string{"feeds", "remove", "--config", path, "weather"}, code: 1, handles: []string{"weather"}},
		{name: "remove an unknown feed", args: []string{"feeds", "remove", "--config", path, "nobody"}, code: 1, handles: []string{"weather"}},
		{name: "no config", args: []string{"feeds", "add", "x", "https://x.example/feed"}, code: 2, handles: []string{"weather"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runCLI(tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\n%s%s", code, tc.code, out, errOut)
			}
			cfg, err := config.Load(path, func(string) string { return "" })
			if err != nil {
				t.Fatalf("config no longer loads: %v", err)
			}
			var handles []string
			for _, f := range cfg.Feeds {
				handles = append(handles, f.Handle)
			}
			if strings.Join(handles, ",") != strings.Join(tc.handles, ",") {
				t.Fatalf("feeds %v, want %v", handles, tc.handles)
			}
		})
	}
	raw, _ := os.ReadFile(path)
	if !strings.Contains(string(raw), "# Herald for the ministry") || !strings.Contains(string(raw), "# public origin") {
		t.Fatalf("comments lost:\n%s", raw)
	}
}
