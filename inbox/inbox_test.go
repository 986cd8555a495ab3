package inbox_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"herald/actor"
	"herald/apptest"
	"herald/config"
	"herald/fedtest"
	inboxpkg "herald/inbox"
)

// badInput is one bad inbox POST and the status it must get.
type badInput struct {
	name   string
	from   *fedtest.Server
	inbox  string // "": news's inbox
	body   []byte
	at     time.Time // the signature's time; zero: the test's now
	tamper func(*http.Request)
	want   int
}

// TestInboxRejectsBadInput sends every kind of bad inbox POST and checks the
// status and that nothing changed: no follower, no queued delivery.
func TestInboxRejectsBadInput(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	feed := apptest.NewFeedServer(t, apptest.Fixture(t, "1-published.feed.rss.xml"))
	cfg := apptest.Config(t, config.Feed{Handle: "news", URL: feed.URL})
	h := apptest.Start(t, cfg, nil)
	urls := actor.URLs{Base: cfg.BaseURL}
	alice, mallory := apptest.NewPeer(t), apptest.NewPeer(t)
	inbox := urls.Inbox("news")
	now := time.Now()
	for _, tc := range badInputs(t, cfg, alice, mallory, now) {
		t.Run(tc.name, func(t *testing.T) {
			target := inbox
			if tc.inbox != "" {
				target = tc.inbox
			}
			at := tc.at
			if at.IsZero() {
				at = now
			}
			resp, err := tc.from.PostRaw(ctx, target, tc.body, at, tc.tamper)
			if err != nil {
				t.Fatal(err)
			}
			msg, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.want {
				t.Fatalf("HTTP %d (%s), want %d", resp.StatusCode, msg, tc.want)
			}
			if n, _ := h.Store().FollowerCount("news"); n != 0 {
				t.Fatalf("a rejected request added a follower")
			}
			if n, _ := h.Store().PendingJobs(); n != 0 {
				t.Fatalf("a rejected request queued %d deliveries", n)
			}
		})
	}
}

// badInputs are alice's Follow of news with its signature, digest or date
// broken, and bodies that are not a Follow Herald can take.
func badInputs(t *testing.T, cfg *config.Config, alice, mallory *fedtest.Server, now time.Time) []badInput {
	urls := actor.URLs{Base: cfg.BaseURL}
	follow := apptest.MustJSON(t, alice.Follow(urls.Actor("news"), "bad"))
	return []badInput{
		{name: "unsigned", from: alice, body: follow, tamper: func(r *http.Request) { r.Header.Del("Signature") }, want: 401},
		{name: "signed by another key", from: mallory, body: follow, tamper: func(r *http.Request) {
			r.Header.Set("Signature", strings.Replace(r.Header.Get("Signature"), mallory.KeyID(), alice.KeyID(), 1))
		}, want: 401},
		{name: "body swapped after signing", from: alice, body: follow, tamper: func(r *http.Request) {
			other := bytes.Replace(follow, []byte("#follows/bad"), []byte("#follows/evil"), 1)
			r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(other)), int64(len(other))
		}, want: 400},
		{name: "digest header replaced", from: alice, body: follow, tamper: func(r *http.Request) {
			r.Header.Set("Digest", "SHA-256=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=")
		}, want: 400},
		{name: "Date two hours old", from: alice, body: follow, at: now.Add(-2 * time.Hour), want: 401},
		{name: "Date changed after signing", from: alice, body: follow, tamper: func(r *http.Request) {
			r.Header.Set("Date", now.Add(time.Minute).UTC().Format(http.TimeFormat))
		}, want: 401},
		{name: "signature covers only date", from: alice, body: follow, tamper: func(r *http.Request) {
			sig := r.Header.Get("Signature")
			r.Header.Set("Signature", strings.Replace(sig, `headers="(request-target) host date digest"`, `headers="date"`, 1))
		}, want: 401},
		{name: "actor is not the key owner", from: alice, body: apptest.MustJSON(t, mallory.Follow(urls.Actor("news"), "x")), want: 401},
		{name: "not JSON", from: alice, body: []byte("hello"), want: 400},
		{name: "JSON but not an activity", from: alice, body: []byte(`{"id":"x","name":"no type"}`), want: 400},
		{name: "JSON array", from: alice, body: []byte(`[1,2,3]`), want: 400},
		{name: "over 1 MiB", from: alice, body: bytes.Repeat([]byte("a"), inboxpkg.MaxBody+1), want: 413},
		{name: "follow of an unknown account", from: alice, body: apptest.MustJSON(t, alice.Follow(cfg.BaseURL+"/users/nobody", "y")), want: 404},
		{name: "inbox of an unknown account", from: alice, inbox: cfg.BaseURL + "/users/nobody/inbox", body: follow, want: 404},
		{name: "unknown activity type is accepted and ignored", from: alice, body: apptest.MustJSON(t, map[string]any{
			"id": alice.ActorID() + "#r", "type": "EmojiReact", "actor": alice.ActorID(), "object": urls.Actor("news"),
		}), want: 202},
	}
}

// TestRepeatedFollowIsIdempotent: the same Follow twice leaves one follower
// and queues one Accept (the queue holds one job per activity and inbox);
// the same Follow after that Accept went out gets a fresh one.
func TestRepeatedFollowIsIdempotent(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	feed := apptest.NewFeedServer(t, apptest.Fixture(t, "1-published.feed.rss.xml"))
	cfg := apptest.Config(t, config.Feed{Handle: "news", URL: feed.URL})
	h := apptest.Start(t, cfg, nil)
	alice := apptest.NewPeer(t)
	follow := alice.Follow(actor.URLs{Base: cfg.BaseURL}.Actor("news"), "twice")
	// Two deliveries of the same Follow, each signed afresh (an identical
	// signature within the Date window would be a replay).
	body := apptest.MustJSON(t, follow)
	for i := range 2 {
		resp, err := alice.PostRaw(ctx, cfg.BaseURL+"/inbox", body, time.Now().Add(time.Duration(i)*time.Second), nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusAccepted {
			t.Fatalf("Follow %d: HTTP %d", i, resp.StatusCode)
		}
	}
	apptest.WantFollowers(t, h, 1)
	apptest.QueueDrained(t, h)
	first := verifiedAccepts(alice)
	if first < 1 || first > 2 { // 2 only if the first Accept went out between the Follows
		t.Fatalf("got %d verified Accepts for two quick Follows, want 1", first)
	}
	resp, err := alice.PostRaw(ctx, cfg.BaseURL+"/inbox", body, time.Now().Add(2*time.Second), nil) // a third, fresh signature
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("third Follow: HTTP %d", resp.StatusCode)
	}
	apptest.QueueDrained(t, h)
	apptest.WantFollowers(t, h, 1)
	if got := verifiedAccepts(alice); got != first+1 {
		t.Fatalf("got %d verified Accepts, want %d", got, first+1)
	}
}

func verifiedAccepts(s *fedtest.Server) int {
	n := 0
	for _, d := range s.Deliveries() {
		if d.Type() == "Accept" && d.Verified {
			n++
		}
	}
	return n
}
