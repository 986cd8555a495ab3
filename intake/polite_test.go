package intake_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"herald/apptest"
	"herald/config"
)

// TestFeedMovesAndGoes: a permanent redirect makes Herald fetch the new
// URL from then on; a 410 disables the feed with a clear status and stops
// polling; both show in FeedHealth.
func TestFeedMovesAndGoes(t *testing.T) {
	body := apptest.Fixture(t, "1-published.feed.rss.xml")
	var mu sync.Mutex
	hits := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hits[r.URL.Path]++
		mu.Unlock()
		switch r.URL.Path {
		case "/old":
			http.Redirect(w, r, "/new", http.StatusMovedPermanently)
		case "/temp":
			http.Redirect(w, r, "/new", http.StatusFound)
		case "/new":
			_, _ = w.Write(body)
		case "/gone":
			w.WriteHeader(http.StatusGone)
		}
	}))
	defer srv.Close()
	cfg := apptest.Config(t,
		config.Feed{Handle: "moved", URL: srv.URL + "/old"},
		config.Feed{Handle: "temp", URL: srv.URL + "/temp"},
		config.Feed{Handle: "gone", URL: srv.URL + "/gone"})
	h := apptest.Start(t, cfg, nil)
	count := func(path string) int { mu.Lock(); defer mu.Unlock(); return hits[path] }
	apptest.Eventually(t, 10*time.Second, "three polls of the moved feed", func() bool { return count("/new") >= 3+count("/temp") })

	moved, err := h.App().FeedHealth("moved")
	if err != nil {
		t.Fatal(err)
	}
	if moved.URL != srv.URL+"/new" || moved.ConfiguredURL != srv.URL+"/old" || moved.Status != "ok" && !strings.HasPrefix(moved.Status, "ok") {
		t.Errorf("moved: %+v", moved)
	}
	if n := count("/old"); n != 1 {
		t.Errorf("/old fetched %d times, want once", n)
	}
	if n := count("/temp"); n < 2 {
		t.Errorf("/temp fetched %d times: a temporary redirect must not move the feed", n)
	}
	if moved.ItemsSeen != 5 || moved.LastSuccess.IsZero() || moved.NextFetch.IsZero() && moved.LastFetch.IsZero() {
		t.Errorf("moved health: %+v", moved)
	}

	gone, err := h.App().FeedHealth("gone")
	if err != nil {
		t.Fatal(err)
	}
	if !gone.Disabled || !strings.Contains(gone.Status, "410") || !gone.NextFetch.IsZero() {
		t.Errorf("gone: %+v", gone)
	}
	if n := count("/gone"); n != 1 {
		t.Errorf("/gone fetched %d times, want once", n)
	}
	if _, err := h.App().FeedHealth("nobody"); err == nil {
		t.Error("FeedHealth of an unknown handle did not fail")
	}
}

// TestSiteURLDiscovered: a website's address in the config is enough:
// Herald finds its RSS feed through <link rel="alternate">, the REST API
// through the feed's Link header, and shows both in FeedHealth.
func TestSiteURLDiscovered(t *testing.T) {
	s := newSite(t)
	s.set(s.fixture(t, "1-published.feed.rss.xml"), `"v1"`)
	home := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=UTF-8")
		_, _ = w.Write([]byte(`<!doctype html><html><head>
<link rel="alternate" type="application/atom+xml" href="` + s.URL + `/feed/atom/" />
<link rel="alternate" type="application/rss+xml" title="Feed" href="` + s.URL + `/feed/" />
<link rel="https://api.w.org/" href="` + s.URL + `/wp-json/" /></head><body></body></html>`))
	}))
	defer home.Close()
	cfg := apptest.Config(t, config.Feed{Handle: "news", URL: home.URL + "/"})
	h := apptest.Start(t, cfg, nil)
	apptest.Eventually(t, 5*time.Second, "first poll", func() bool { st, _ := h.Store().FeedState("news"); return st.Initialised })
	health, err := h.App().FeedHealth("news")
	if err != nil {
		t.Fatal(err)
	}
	if health.DiscoveredFeed != s.URL+"/feed/" || health.URL != s.URL+"/feed/" || health.API != s.URL+"/wp-json/" || health.ItemsSeen != 5 {
		t.Errorf("health %+v", health)
	}
}
