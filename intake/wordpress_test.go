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

// wpSite is a WordPress site whose feed's Link header leads to its REST
// API. The test sets the feed's ETag and whether the API is blocked (403);
// the site counts the API's calls. It is safe for concurrent use.
type wpSite struct {
	*httptest.Server
	t         *testing.T
	mu        sync.Mutex
	etag      string
	blocked   bool
	restCalls int
}

// newWPSite serves the feed 5-schedule-due under the ETag "v1" and an API
// that answers; the test's cleanup closes it.
func newWPSite(t *testing.T) *wpSite {
	s := &wpSite{t: t, etag: `"v1"`}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

// set serves the feed under etag and blocks the API or not from now on.
func (s *wpSite) set(etag string, blocked bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.etag, s.blocked = etag, blocked
}

// calls is the number of the API's calls so far.
func (s *wpSite) calls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.restCalls
}

func (s *wpSite) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, srv := s.t, s.Server
	etag, blocked := s.etag, s.blocked
	fix := func(name string) []byte {
		return []byte(strings.ReplaceAll(string(apptest.Fixture(t, name)), "http:\\/\\/127.0.0.1:8081", strings.ReplaceAll(srv.URL, "/", "\\/")))
	}
	w.Header().Set("Link", `<`+srv.URL+`/wp-json/>; rel="https://api.w.org/"`)
	switch r.URL.Path {
	case "/feed/":
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", etag)
		_, _ = w.Write([]byte(strings.ReplaceAll(string(apptest.Fixture(t, "5-schedule-due.feed.rss.xml")), "http://127.0.0.1:8081", srv.URL)))
	case "/wp-json/wp/v2/posts":
		s.restCalls++
		if blocked {
			http.Error(w, `{"code":"rest_disabled"}`, http.StatusForbidden)
			return
		}
		_, _ = w.Write(fix("final.wp-v2-posts-embed.json"))
	default:
		http.NotFound(w, r)
	}
}

// TestWordPressEnrichment: the feed's Link header leads to the REST API,
// whose answer enriches the items; re-polls with the same content send
// nothing, and the API being blocked later sends nothing either and is
// shown in FeedHealth.
func TestWordPressEnrichment(t *testing.T) {
	srv := newWPSite(t)
	cfg := apptest.Config(t, config.Feed{Handle: "news", URL: srv.URL + "/feed/"})
	h := apptest.Start(t, cfg, nil)
	apptest.Eventually(t, 5*time.Second, "first poll", func() bool { st, _ := h.Store().FeedState("news"); return st.Initialised })
	seen, _ := h.Store().SeenItems("news")
	if it := seen[srv.URL+"/?p=6"]; !strings.HasPrefix(it.Hash, "wp:") {
		t.Fatalf("?p=6 not enriched: %+v", it)
	}
	health, _ := h.App().FeedHealth("news")
	if health.API != srv.URL+"/wp-json/" || health.APIStatus != "ok" {
		t.Fatalf("health %+v", health)
	}
	srv.set(`"v2"`, false) // a re-save: same content, new ETag
	apptest.Eventually(t, 5*time.Second, "a second enrichment", func() bool { return srv.calls() >= 2 })
	srv.set(`"v3"`, true) // the API blocked from now on
	apptest.Eventually(t, 5*time.Second, "the blocked API noticed", func() bool {
		h, _ := h.App().FeedHealth("news")
		return strings.Contains(h.APIStatus, "403")
	})
	apptest.Eventually(t, 5*time.Second, "a poll after the block", func() bool {
		st, _ := h.Store().FeedState("news")
		return st.ETag == `"v3"`
	})
	entries, total, err := h.Store().Outbox("news", time.Time{}, 100)
	if err != nil || total != 5 {
		t.Fatalf("outbox has %d activities (%v), want the 5 of the first poll and no Update", total, err)
	}
	for _, e := range entries {
		if strings.Contains(string(e.Activity), `"Update"`) {
			t.Errorf("an Update was made: %.200s", e.Activity)
		}
	}
}
