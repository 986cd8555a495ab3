package intake_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"herald/actor"
	"herald/apptest"
	"herald/config"
	"herald/fedtest"
)

// site is a WordPress-like site: a feed whose ETag the test controls (so it
// can answer 304 for a changed feed, as WordPress does after a trash), and
// article pages answering 200 unless marked gone.
type site struct {
	*httptest.Server
	mu        sync.Mutex
	body      []byte
	etag      string
	gone      map[string]bool // path → answers 404
	hub       string          // advertised in a Link header when set
	fetches   int
	full      int // 200 answers of the feed
	pageCalls map[string]int
}

func newSite(t *testing.T) *site {
	s := &site{gone: map[string]bool{}, pageCalls: map[string]int{}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

// fixture reads a WordPress sample with its links moved onto this site.
func (s *site) fixture(t *testing.T, name string) []byte {
	return []byte(strings.ReplaceAll(string(apptest.Fixture(t, name)), "http://127.0.0.1:8081", s.URL))
}

// set serves body under etag from now on.
func (s *site) set(body []byte, etag string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.body, s.etag = body, etag
}

func (s *site) counts() (fetches, full int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.fetches, s.full
}

func (s *site) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.URL.Path != "/feed/" {
		s.pageCalls[r.URL.Path]++
		if s.gone[r.URL.Path] {
			http.NotFound(w, r)
			return
		}
		_, _ = io.WriteString(w, "<!doctype html><title>article</title>")
		return
	}
	s.fetches++
	if s.hub != "" {
		w.Header().Set("Link", "<"+s.hub+`>; rel="hub"`)
	}
	if r.Header.Get("If-None-Match") == s.etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	s.full++
	w.Header().Set("ETag", s.etag)
	w.Header().Set("Content-Type", "application/rss+xml; charset=UTF-8")
	_, _ = w.Write(s.body)
}

// follower makes alice follow news on h and waits for the Accept.
func follower(ctx context.Context, t *testing.T, h *apptest.Herald) *fedtest.Server {
	t.Helper()
	alice, err := fedtest.New()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(alice.Close)
	actorID := actor.URLs{Base: h.Config().BaseURL}.Actor("news")
	follow := alice.Follow(actorID, "1")
	apptest.PostStatus(ctx, t, alice, actorID+"/inbox", follow, http.StatusAccepted)
	apptest.WaitVerified(ctx, t, alice, "Accept", func(d fedtest.Delivery) bool { return d.Object()["id"] == follow["id"] })
	return alice
}

// activitiesOf counts alice's deliveries of type typ about objectID.
func activitiesOf(alice *fedtest.Server, typ, objectID string) int {
	n := 0
	for _, d := range alice.Deliveries() {
		if d.Type() == typ && d.Object()["id"] == objectID {
			n++
		}
	}
	return n
}

// waitFullFetches waits until the site has answered n feed fetches with 200.
func waitFullFetches(t *testing.T, s *site, n int) {
	t.Helper()
	apptest.Eventually(t, 10*time.Second, "feed fetches", func() bool { _, full := s.counts(); return full >= n })
}

// TestEditOnceResaveNever: the WordPress edit (1-published → 2-edited)
// gives exactly one Update, in RSS and in Atom (whose <updated> moves); a
// re-save that changes only lastBuildDate and the ETag gives none.
func TestEditOnceResaveNever(t *testing.T) {
	for _, format := range []string{"rss", "atom"} {
		t.Run(format, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			s := newSite(t)
			s.set(s.fixture(t, "1-published.feed."+format+".xml"), `"v1"`)
			cfg := apptest.Config(t, config.Feed{Handle: "news", URL: s.URL + "/feed/"})
			h := apptest.Start(t, cfg, nil)
			apptest.Eventually(t, 5*time.Second, "first poll", func() bool { st, _ := h.Store().FeedState("news"); return st.Initialised })
			alice := follower(ctx, t, h)

			edited := s.fixture(t, "2-edited.feed."+format+".xml")
			s.set(edited, `"v2"`)
			p4 := actor.URLs{Base: cfg.BaseURL}.Object("news", s.URL+"/?p=4")
			apptest.WaitVerified(ctx, t, alice, "Update", func(d fedtest.Delivery) bool { return d.Object()["id"] == p4 })

			_, full := s.counts()
			resaved := strings.Replace(string(edited), "01:33:37", "01:40:00", -1) // lastBuildDate / feed <updated>
			s.set([]byte(resaved), `"v3"`)
			waitFullFetches(t, s, full+1)
			fetches, _ := s.counts()
			apptest.Eventually(t, 10*time.Second, "a poll after the re-save", func() bool { n, _ := s.counts(); return n > fetches })
			apptest.QueueDrained(t, h)
			for _, d := range alice.Deliveries() {
				if d.Type() == "Update" || d.Type() == "Create" || d.Type() == "Delete" {
					if d.Object()["id"] != p4 || d.Type() != "Update" {
						t.Errorf("unexpected %s of %v", d.Type(), d.Object()["id"])
					}
				}
			}
			if n := activitiesOf(alice, "Update", p4); n != 1 {
				t.Errorf("%d Updates of ?p=4, want exactly 1", n)
			}
		})
	}
}

// TestTrashedPostDeleted: WordPress trashes an older post and keeps
// answering 304 to the old ETag. Within removal_check_interval Herald
// fetches unconditionally, sees the post gone while the feed's window still
// covers its date, confirms it by the 404 of its page, and delivers a
// Delete with a Tombstone; the object and its Create then answer 410 and
// leave the outbox.
func TestTrashedPostDeleted(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s := newSite(t)
	s.set(s.fixture(t, "4-trashed-before.feed.rss.xml"), `"same"`)
	cfg := apptest.Config(t, config.Feed{Handle: "news", URL: s.URL + "/feed/", RemovalCheckInterval: config.Duration(time.Second)})
	h := apptest.Start(t, cfg, nil)
	apptest.Eventually(t, 5*time.Second, "first poll", func() bool { st, _ := h.Store().FeedState("news"); return st.Initialised })
	alice := follower(ctx, t, h)
	urls := actor.URLs{Base: cfg.BaseURL}
	p12 := urls.Object("news", s.URL+"/?p=12")
	if _, err := h.Store().Document(urls.Create(p12)); err != nil {
		t.Fatal(err)
	}

	s.mu.Lock()
	s.gone["/2026/11/26/ouder-bericht-dat-later-wordt-ingetrokken/"] = true
	s.mu.Unlock()
	s.set(s.fixture(t, "4-trashed-after.feed.rss.xml"), `"same"`) // WordPress keeps the ETag
	del := apptest.WaitVerified(ctx, t, alice, "Delete", func(d fedtest.Delivery) bool { return d.Object()["id"] == p12 })
	if del.Object()["type"] != "Tombstone" || del.Activity["actor"] != urls.Actor("news") {
		t.Fatalf("Delete: %s", del.Body)
	}
	for _, id := range []string{p12, urls.Create(p12)} {
		resp, err := http.Get(id)
		if err != nil {
			t.Fatal(err)
		}
		var body map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusGone || body["type"] != "Tombstone" || body["id"] != p12 {
			t.Errorf("GET %s: HTTP %d %v, want 410 with the Tombstone", id, resp.StatusCode, body)
		}
	}
	wantGoneForBrowser(t, p12)
	entries, _, err := h.Store().Outbox("news", time.Time{}, 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.Contains(string(e.Activity), p12) {
			t.Errorf("outbox still holds %s", e.Activity)
		}
	}
	// The post coming back (restored from the trash) is not posted again:
	// peers refuse an object id once deleted.
	s.set(s.fixture(t, "4-trashed-before.feed.rss.xml"), `"later"`)
	_, full := s.counts()
	waitFullFetches(t, s, full+2)
	apptest.QueueDrained(t, h)
	if n := activitiesOf(alice, "Delete", p12); n != 1 {
		t.Errorf("%d Deletes of ?p=12, want 1", n)
	}
	for _, d := range alice.Deliveries() {
		if d.Type() != "Accept" && d.Object()["id"] != p12 {
			t.Errorf("unexpected %s of %v", d.Type(), d.Object()["id"])
		}
	}
}

// TestScheduleAndBackdate: an item dated in the future (WordPress'
// 7-near-future sample, dated a few seconds ahead) is published when its
// date comes, not before, even though the site answers 304 meanwhile; an
// item dated long ago is recorded but not pushed.
func TestScheduleAndBackdate(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s := newSite(t)
	s.set(s.fixture(t, "5-schedule-due.feed.rss.xml"), `"v1"`)
	cfg := apptest.Config(t, config.Feed{Handle: "news", URL: s.URL + "/feed/"})
	h := apptest.Start(t, cfg, nil)
	apptest.Eventually(t, 5*time.Second, "first poll", func() bool { st, _ := h.Store().FeedState("news"); return st.Initialised })
	alice := follower(ctx, t, h)
	urls := actor.URLs{Base: cfg.BaseURL}

	due := time.Now().Add(3 * time.Second).UTC().Truncate(time.Second)
	feed := strings.Replace(string(s.fixture(t, "7-near-future.feed.rss.xml")),
		"Thu, 26 Nov 2026 01:35:31 +0000", due.Format(time.RFC1123Z), 1)
	old := time.Now().Add(-30 * 24 * time.Hour).UTC().Format(time.RFC1123Z)
	item := "<item><title>Oud bericht</title><link>" + s.URL + "/oud/</link><pubDate>" + old +
		`</pubDate><guid isPermaLink="false">` + s.URL + "/?p=99</guid><description>Oud.</description></item>\n"
	feed = strings.Replace(feed, "<item>", item+"<item>", 1)
	s.set([]byte(feed), `"v2"`)

	p20, p99 := urls.Object("news", s.URL+"/?p=20"), urls.Object("news", s.URL+"/?p=99")
	apptest.Eventually(t, 5*time.Second, "the backdated item recorded", func() bool { _, err := h.Store().Document(p99); return err == nil })
	if _, err := h.Store().Document(p20); err == nil {
		t.Fatal("the future post is public before its date")
	}
	d := apptest.WaitVerified(ctx, t, alice, "Create", func(d fedtest.Delivery) bool { return d.Object()["id"] == p20 })
	if now := time.Now(); now.Before(due) {
		t.Fatalf("the post dated %s was delivered at %s", due, now)
	}
	if d.Object()["published"] != due.Format(time.RFC3339) {
		t.Errorf("published %v, want %s", d.Object()["published"], due.Format(time.RFC3339))
	}
	apptest.QueueDrained(t, h)
	for _, d := range alice.Deliveries() {
		if d.Type() == "Create" && d.Object()["id"] != p20 {
			t.Errorf("unexpected Create of %v (backdated items are not pushed)", d.Object()["id"])
		}
	}
}

// wantGoneForBrowser fails unless a browser, which gets a live post's
// page, gets 410 for the post id.
func wantGoneForBrowser(t *testing.T, id string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, id, nil)
	req.Header.Set("Accept", "text/html")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusGone {
		t.Errorf("browser GET %s: HTTP %d, want 410", id, resp.StatusCode)
	}
}
