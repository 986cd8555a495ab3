package accounts_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	"herald/admin"
	"herald/apptest"
	"herald/config"
)

// TestOwnershipGate: with ownership.required, an account whose site has not
// shown its token is not found by WebFinger, not discoverable and refuses
// follows; the admin API tells the publisher what to add; once the home
// page carries the token, the account is published.
func TestOwnershipGate(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	feedBody := apptest.Fixture(t, "1-published.feed.rss.xml")
	var home atomic.Pointer[string]
	empty := "<html><head><title>Ministerie</title></head></html>"
	home.Store(&empty)
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/":
			_, _ = w.Write([]byte(*home.Load()))
		case "/feed/":
			w.Header().Set("Content-Type", "application/rss+xml")
			_, _ = w.Write(feedBody)
		default:
			http.NotFound(w, r)
		}
	}))
	defer site.Close()
	cfg := apptest.Config(t, config.Feed{Handle: "news", URL: site.URL + "/feed/"})
	cfg.Ownership = config.Ownership{Required: true, CheckInterval: config.Duration(time.Second)}
	cfg.AdminTokens = []config.AdminToken{{Token: apptest.PublisherToken, Role: config.RolePublisher, Actors: []string{"news"}}}
	apptest.Start(t, cfg, nil)
	alice := apptest.NewPeer(t)
	webfinger := func() int {
		resp, err := http.Get(cfg.BaseURL + "/.well-known/webfinger?resource=" + url.QueryEscape("acct:news@"+cfg.Host()))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	discoverable := func() bool {
		doc := apptest.GetJSON(t, cfg.BaseURL+"/users/news", "application/activity+json")
		return doc["discoverable"] == true
	}

	if webfinger() != http.StatusNotFound || discoverable() {
		t.Fatal("an unverified account is published")
	}
	apptest.PostStatus(ctx, t, alice, cfg.BaseURL+"/users/news/inbox", alice.Follow(cfg.BaseURL+"/users/news", "1"), http.StatusForbidden)
	var status admin.ActorStatus
	_, body := apptest.AdminGet(t, cfg.BaseURL+"/admin/api/actors/news", apptest.PublisherToken)
	if err := json.Unmarshal(body, &status); err != nil || status.Ownership == nil || status.Ownership.Verified || len(status.Ownership.Instructions) != 3 {
		t.Fatalf("admin status %s (%v)", body, err)
	}

	page := `<html><head><meta name="herald-verify" content="` + status.Ownership.Token + `"></head></html>`
	home.Store(&page)
	apptest.Eventually(t, 5*time.Second, "the account to be published", func() bool { return webfinger() == http.StatusOK })
	if !discoverable() {
		t.Fatal("verified account is not discoverable")
	}
	apptest.PostStatus(ctx, t, alice, cfg.BaseURL+"/users/news/inbox", alice.Follow(cfg.BaseURL+"/users/news", "2"), http.StatusAccepted)
	_, body = apptest.AdminGet(t, cfg.BaseURL+"/admin/api/actors/news", apptest.PublisherToken)
	if err := json.Unmarshal(body, &status); err != nil || !status.Ownership.Verified || status.Ownership.Method != "meta" {
		t.Fatalf("admin status after verification: %s", body)
	}
}
