package admin_test

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"herald/admin"
	"herald/apptest"
	"herald/config"
	"herald/fedtest"
	"herald/store"
)

// adminCase is one GET of the admin API and what it must answer.
type adminCase struct {
	name, path, token string
	want              int
	contains          string
}

// adminCases are GETs of the admin API with no token, a wrong one, the
// operator's and the publisher's (of news only); follower follows news.
func adminCases(follower string) []adminCase {
	return []adminCase{
		{name: "no token", path: "/actors", want: 401},
		{name: "wrong token", path: "/actors", token: strings.Repeat("x", 40), want: 401},
		{name: "operator lists all", path: "/actors", token: apptest.OperatorToken, want: 200, contains: `"handle": "weather"`},
		{name: "publisher lists own", path: "/actors/news", token: apptest.PublisherToken, want: 200, contains: `"followers": 1`},
		{name: "publisher on another actor", path: "/actors/weather", token: apptest.PublisherToken, want: 403},
		{name: "publisher followers of another actor", path: "/actors/weather/followers", token: apptest.PublisherToken, want: 403},
		{name: "followers", path: "/actors/news/followers", token: apptest.PublisherToken, want: 200, contains: follower},
		{name: "unknown actor", path: "/actors/nobody", token: apptest.OperatorToken, want: 404},
		{name: "publisher on the queue", path: "/deliveries", token: apptest.PublisherToken, want: 403},
		{name: "operator on the queue", path: "/deliveries", token: apptest.OperatorToken, want: 200, contains: `"pending"`},
		{name: "publisher backup", path: "/backup", token: apptest.PublisherToken, want: 403},
	}
}

// metricsScrapes are GETs of /metrics and what they must answer once
// startAdminHerald's two feeds are polled, news has its follower and the
// Accept is delivered.
var metricsScrapes = []struct {
	name, token string
	want        int
	contains    []string
}{
	{name: "metrics without token", want: 401},
	{name: "metrics with a publisher token", token: apptest.PublisherToken, want: 403},
	{name: "metrics", token: apptest.OperatorToken, want: 200, contains: []string{
		`herald_followers{handle="news"} 1`, `herald_followers{handle="weather"} 0`, `herald_posts{handle="news"} 5`,
		"herald_delivery_queue_depth ", "herald_database_bytes ", "go_goroutines ",
		"herald_delivery_oldest_pending_seconds ", `herald_delivery_hosts{state="held"} 0`,
		`herald_polls_total{outcome="ok"} 2`, `herald_items_total{kind="added"} 10`,
		`herald_deliveries_total{outcome="delivered"} 1`, `herald_inbox_requests_total{type="Follow",verdict="accepted"} 1`,
		`herald_lease_takeovers_total{kind="job"} 0`, `herald_lease_takeovers_total{kind="feed"} 0`,
		`herald_lease_takeovers_total{kind="task"} 0`}},
}

// TestAdminAPI checks the admin API's and /metrics' answers to each role,
// the publisher's list of actors, and an online backup.
func TestAdminAPI(t *testing.T) {
	cfg, h, alice := startAdminHerald(t)
	api := cfg.BaseURL + "/admin/api"
	apptest.QueueDrained(t, h) // the Accept's delivery is counted before its job is removed
	for _, tc := range metricsScrapes {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := apptest.AdminGet(t, cfg.BaseURL+"/metrics", tc.token)
			if resp.StatusCode != tc.want {
				t.Fatalf("HTTP %d, want %d", resp.StatusCode, tc.want)
			}
			for _, want := range tc.contains {
				if !strings.Contains(string(body), want) {
					t.Errorf("metrics lack %q", want)
				}
			}
		})
	}
	for _, tc := range adminCases(alice.ActorID()) {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := apptest.AdminGet(t, api+tc.path, tc.token)
			if resp.StatusCode != tc.want {
				t.Fatalf("HTTP %d (%s), want %d", resp.StatusCode, body, tc.want)
			}
			if !strings.Contains(string(body), tc.contains) {
				t.Fatalf("body lacks %q:\n%s", tc.contains, body)
			}
		})
	}

	var listed []admin.ActorStatus
	_, body := apptest.AdminGet(t, api+"/actors", apptest.PublisherToken)
	if err := json.Unmarshal(body, &listed); err != nil || len(listed) != 1 || listed[0].Handle != "news" || listed[0].Posts != 5 {
		t.Fatalf("publisher's list = %+v (%v)", listed, err)
	}
	checkBackup(t, api)
}

// startAdminHerald runs Herald with the feeds news and weather and an
// operator and a publisher (of news) token, and returns once alice follows
// news and both feeds had their first poll.
func startAdminHerald(t *testing.T) (*config.Config, *apptest.Herald, *fedtest.Server) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	feed := apptest.NewFeedServer(t, apptest.Fixture(t, "1-published.feed.rss.xml"))
	other := apptest.NewFeedServer(t, apptest.Fixture(t, "1-published.feed.rss.xml"))
	cfg := apptest.Config(t, config.Feed{Handle: "news", URL: feed.URL}, config.Feed{Handle: "weather", URL: other.URL})
	cfg.AdminTokens = []config.AdminToken{
		{Token: apptest.OperatorToken, Role: config.RoleOperator},
		{Token: apptest.PublisherToken, Role: config.RolePublisher, Actors: []string{"news"}},
	}
	h := apptest.Start(t, cfg, nil)
	alice := apptest.NewPeer(t)
	apptest.Follow(ctx, t, cfg.BaseURL, alice)
	apptest.Eventually(t, 5*time.Second, "first polls", func() bool {
		a, _ := h.Store().FeedState("news")
		b, _ := h.Store().FeedState("weather")
		return a.Initialised && b.Initialised
	})
	return cfg, h, alice
}

// checkBackup: an online backup is a working database with the follower
// in it.
func checkBackup(t *testing.T, api string) {
	t.Helper()
	resp, snapshot := apptest.AdminGet(t, api+"/backup", apptest.OperatorToken)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("backup: HTTP %d", resp.StatusCode)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, store.FileName), snapshot, 0o600); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if n, _ := st.FollowerCount("news"); n != 1 {
		t.Fatalf("backup has %d followers of news, want 1", n)
	}
}

// TestPauseAndResume: a paused feed is not fetched, not by the poll timer
// nor by a ping; resuming fetches it at once.
func TestPauseAndResume(t *testing.T) {
	feed := apptest.NewFeedServer(t, apptest.Fixture(t, "1-published.feed.rss.xml"))
	cfg := apptest.Config(t, config.Feed{Handle: "news", URL: feed.URL + "/feed/"})
	cfg.AdminTokens = []config.AdminToken{{Token: apptest.PublisherToken, Role: config.RolePublisher, Actors: []string{"news"}}}
	h := apptest.Start(t, cfg, nil)
	apptest.Eventually(t, 5*time.Second, "first poll", func() bool { st, _ := h.Store().FeedState("news"); return st.Initialised })
	resp, body := apptest.AdminDo(t, http.MethodPost, cfg.BaseURL+"/admin/api/actors/news/pause", apptest.PublisherToken)
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"paused"`) {
		t.Fatalf("pause: HTTP %d %s", resp.StatusCode, body)
	}
	before := feed.Fetches()
	ping, err := http.Post(cfg.BaseURL+"/ping?url="+feed.URL+"/feed/", "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	ping.Body.Close()
	time.Sleep(2500 * time.Millisecond) // two poll intervals and a ping
	if n := feed.Fetches() - before; n != 0 {
		t.Fatalf("a paused feed was fetched %d times", n)
	}
	resp, body = apptest.AdminDo(t, http.MethodPost, cfg.BaseURL+"/admin/api/actors/news/resume", apptest.PublisherToken)
	if resp.StatusCode != http.StatusOK || strings.Contains(string(body), `"paused"`) {
		t.Fatalf("resume: HTTP %d %s", resp.StatusCode, body)
	}
	apptest.Eventually(t, 3*time.Second, "a fetch after resuming", func() bool { return feed.Fetches() > before })
}
