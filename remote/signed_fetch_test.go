package remote_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"herald/actor"
	"herald/apptest"
	"herald/config"
	"herald/fedtest"
)

// startForFetches runs Herald with signed_fetch set to mode ("" for the
// default) and returns a context for the test and Herald's URLs.
func startForFetches(t *testing.T, mode string) (context.Context, actor.URLs) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	feed := apptest.NewFeedServer(t, apptest.Fixture(t, "1-published.feed.rss.xml"))
	cfg := apptest.Config(t, config.Feed{Handle: "news", URL: feed.URL + "/feed/"})
	cfg.SignedFetch = mode
	apptest.Start(t, cfg, nil)
	return ctx, actor.URLs{Base: cfg.BaseURL}
}

// followAndAccept has peer follow the news account and waits for the
// verified Accept; it returns Herald's fetches of the peer's actor.
func followAndAccept(ctx context.Context, t *testing.T, peer *fedtest.Server, urls actor.URLs) []fedtest.Delivery {
	t.Helper()
	apptest.PostStatus(ctx, t, peer, urls.Inbox("news"), peer.Follow(urls.Actor("news"), "1"), http.StatusAccepted)
	apptest.WaitVerified(ctx, t, peer, "Accept", func(fedtest.Delivery) bool { return true })
	return peer.Fetches()
}

// TestSignedFetchWhenRequired follows from a server that serves actors to
// anyone and from one in authorized-fetch mode: Herald fetches the first
// unsigned (no RSA signature spent), asks the second again at once with a
// signed GET after its 401, and from then on signs every GET to that host
// without trying unsigned first.
func TestSignedFetchWhenRequired(t *testing.T) {
	ctx, urls := startForFetches(t, "")

	open := apptest.NewPeer(t)
	if f := followAndAccept(ctx, t, open, urls); len(f) != 1 || f[0].Header.Get("Signature") != "" {
		t.Fatalf("fetches of an open server: %+v, want one unsigned", f)
	}

	closed := apptest.NewPeer(t)
	closed.RequireSignedFetch = true
	f := followAndAccept(ctx, t, closed, urls)
	if len(f) != 2 || f[0].Header.Get("Signature") != "" || !f[1].Verified || f[1].KeyID != urls.InstanceKeyID() {
		t.Fatalf("fetches of a server in authorized-fetch mode: %+v, want one unsigned (refused), then one signed by the instance actor", f)
	}

	// A request whose signature does not verify with the cached key makes
	// Herald fetch the key again: signed at once this time.
	body := []byte(`{"@context":"https://www.w3.org/ns/activitystreams","id":"` + closed.ActorID() + `#likes/1","type":"Like","actor":"` + closed.ActorID() + `","object":"` + urls.Actor("news") + `"}`)
	resp, err := closed.PostRaw(ctx, urls.Inbox("news"), body, time.Now(), func(r *http.Request) {
		r.Header.Set("Date", time.Now().Add(-time.Minute).UTC().Format(http.TimeFormat))
	})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("forged Like: HTTP %d, want 401", resp.StatusCode)
	}
	f = closed.Fetches()
	if len(f) != 3 || !f[2].Verified {
		t.Fatalf("refetch of the key: %+v, want a third fetch, signed", f)
	}
}

// TestSignedFetchBehind404 follows from a server that hides its accounts
// from unsigned GETs behind a 404: the 404 is not taken for a deleted
// account, the signed GET that follows finds it, and the host is signed
// for from then on.
func TestSignedFetchBehind404(t *testing.T) {
	ctx, urls := startForFetches(t, "")
	hidden := apptest.NewPeer(t)
	hidden.RequireSignedFetch, hidden.UnsignedFetchStatus = true, http.StatusNotFound
	if f := followAndAccept(ctx, t, hidden, urls); len(f) != 2 || f[0].Verified || !f[1].Verified {
		t.Fatalf("fetches: %+v, want one unsigned (404), then one signed", f)
	}
}

// TestSignedFetchAlways signs every GET, as Mastodon does, when
// signed_fetch is always.
func TestSignedFetchAlways(t *testing.T) {
	ctx, urls := startForFetches(t, config.SignedFetchAlways)
	alice := apptest.NewPeer(t)
	if f := followAndAccept(ctx, t, alice, urls); len(f) != 1 || !f[0].Verified || f[0].KeyID != urls.InstanceKeyID() {
		t.Fatalf("fetches: %+v, want one signed by the instance actor", f)
	}
}
