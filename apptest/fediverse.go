package apptest

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"herald/actor"
	"herald/app"
	"herald/config"
	"herald/fedtest"
)

// NewPeer starts a fake fediverse server with one account, alice (see
// package fedtest); the test's cleanup closes it.
func NewPeer(t testing.TB) *fedtest.Server {
	t.Helper()
	s, err := fedtest.New()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// Followed starts Herald on the WordPress feed with alice following, and
// returns once alice has the Accept.
func Followed(ctx context.Context, t testing.TB, tweak func(*app.Options)) (*Herald, *FeedServer, *fedtest.Server, actor.URLs) {
	t.Helper()
	feed := NewFeedServer(t, Fixture(t, "1-published.feed.rss.xml"))
	cfg := Config(t, config.Feed{Handle: "news", URL: feed.URL})
	h := Start(t, cfg, tweak)
	urls := actor.URLs{Base: cfg.BaseURL}
	Eventually(t, 5*time.Second, "first poll", func() bool {
		st, _ := h.store.FeedState("news")
		return st.Initialised
	})
	alice := NewPeer(t)
	Follow(ctx, t, cfg.BaseURL, alice)
	return h, feed, alice, urls
}

// Follow has s's alice follow the news account of the Herald at base (its
// base_url), at its personal inbox, and returns once alice has a verified
// Accept.
func Follow(ctx context.Context, t testing.TB, base string, s *fedtest.Server) {
	t.Helper()
	urls := actor.URLs{Base: base}
	PostStatus(ctx, t, s, urls.Inbox("news"), s.Follow(urls.Actor("news"), "1"), http.StatusAccepted)
	WaitVerified(ctx, t, s, "Accept", func(fedtest.Delivery) bool { return true })
}

// PostStatus has s POST activity, signed, to inbox and fails the test
// unless the answer is want.
func PostStatus(ctx context.Context, t testing.TB, s *fedtest.Server, inbox string, activity map[string]any, want int) {
	t.Helper()
	resp, err := s.Post(ctx, inbox, activity)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != want {
		t.Fatalf("POST %s %v: HTTP %d, want %d", inbox, activity["type"], resp.StatusCode, want)
	}
}

// WaitVerified waits until s receives an activity of type typ that match
// accepts, and fails the test unless its signature verified.
func WaitVerified(ctx context.Context, t testing.TB, s *fedtest.Server, typ string, match func(fedtest.Delivery) bool) fedtest.Delivery {
	t.Helper()
	d, err := s.WaitFor(ctx, func(d fedtest.Delivery) bool { return d.Type() == typ && match(d) })
	if err != nil {
		t.Fatalf("waiting for %s: %v", typ, err)
	}
	if !d.Verified {
		t.Fatalf("%s failed verification at the receiver: %s", typ, d.Problem)
	}
	return d
}

// Creates are the Creates of objectID that s received, retries included.
func Creates(s *fedtest.Server, objectID string) []fedtest.Delivery {
	var out []fedtest.Delivery
	for _, d := range s.Deliveries() {
		if d.Type() == "Create" && d.Object()["id"] == objectID {
			out = append(out, d)
		}
	}
	return out
}

// QueueDrained waits up to 5 s for Herald's delivery queue to be empty.
func QueueDrained(t testing.TB, h *Herald) {
	t.Helper()
	Eventually(t, 5*time.Second, "an empty delivery queue", func() bool {
		n, _ := h.store.PendingJobs()
		return n == 0
	})
}

// WantFollowers fails the test at once unless the account news has want
// followers.
func WantFollowers(t testing.TB, h *Herald, want int) {
	t.Helper()
	if n, err := h.store.FollowerCount("news"); err != nil || n != want {
		t.Fatalf("followers = %d (%v), want %d", n, err, want)
	}
}

// MustJSON is v marshalled, failing the test if it cannot be.
func MustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// GetJSON GETs url unsigned with the Accept header accept, fails the test
// unless it answers 200 with application/activity+json, and returns the
// decoded document.
func GetJSON(t testing.TB, url, accept string) map[string]any {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Accept", accept)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/activity+json" {
		t.Fatalf("GET %s: HTTP %d, %s", url, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	var doc map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	return doc
}
