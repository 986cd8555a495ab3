package app_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	"herald/apptest"
	"herald/config"
	"herald/pgtest"
)

// ownedSite is a website with a feed whose home page shows a token once
// it is set; it counts the fetches of its home page.
type ownedSite struct {
	*httptest.Server
	token     atomic.Pointer[string]
	homeGets  atomic.Int32
	feedBytes []byte
}

func newOwnedSite(t *testing.T) *ownedSite {
	s := &ownedSite{feedBytes: apptest.Fixture(t, "1-published.feed.rss.xml")}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/":
			s.homeGets.Add(1)
			page := "<html><head><title>Ministerie</title>"
			if tok := s.token.Load(); tok != nil {
				page += `<meta name="herald-verify" content="` + *tok + `">`
			}
			_, _ = w.Write([]byte(page + "</head></html>"))
		case "/feed/":
			w.Header().Set("Content-Type", "application/rss+xml")
			_, _ = w.Write(s.feedBytes)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(s.Close)
	return s
}

// webfingerStatus asks the replica h for the news account.
func webfingerStatus(t *testing.T, h *apptest.Herald) int {
	t.Helper()
	resp, err := http.Get("http://" + h.Addr() + "/.well-known/webfinger?resource=" + url.QueryEscape("acct:news@"+h.Config().Host()))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestOwnershipReplicas: with ownership.required and two replicas on one
// database, one of them holds the ownership task and checks the site;
// once the site shows its token, both replicas publish the account (the
// other reads the outcome back).
func TestOwnershipReplicas(t *testing.T) {
	site := newOwnedSite(t)
	url := pgtest.Database(t)
	cfg := replicaConfig(t, url, site.URL+"/feed/")
	cfg.Ownership = config.Ownership{Required: true, CheckInterval: config.Duration(time.Second)}
	first := apptest.Start(t, cfg, nil)
	second := apptest.Start(t, apptest.ReplicaConfig(t, cfg), nil)
	apptest.Eventually(t, 30*time.Second, "a few checks of the site", func() bool { return site.homeGets.Load() >= 3 })
	if webfingerStatus(t, first) != 404 || webfingerStatus(t, second) != 404 {
		t.Fatal("an unverified account is published")
	}
	holder := taskHolder(t, url, "ownership")
	if holder != first.App().Replica() && holder != second.App().Replica() {
		t.Fatalf("the ownership task is held by %q", holder)
	}
	o, err := first.Store().Ownership("news")
	if err != nil || o.Token == "" {
		t.Fatalf("ownership state %+v, %v", o, err)
	}
	site.token.Store(&o.Token)
	apptest.Eventually(t, 60*time.Second, "the account published by both replicas", func() bool {
		return webfingerStatus(t, first) == 200 && webfingerStatus(t, second) == 200
	})
}
