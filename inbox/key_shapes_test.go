package inbox_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"io"
	"net/http"
	"testing"
	"time"

	"herald/actor"
	"herald/apptest"
	"herald/config"
	"herald/fedtest"
)

// TestFollowFromEveryKeyShape follows the news account from accounts that
// publish their key in each shape real servers serve at a keyId: inside the
// actor under a #main-key fragment (Mastodon, Misskey, Akkoma), as a bare key
// document at its own path, and as GoToSocial does: a stub at the key's path
// (id, type, preferredUsername, publicKey, no inbox) for any GET, while the
// actor itself answers only GETs signed by a signer whose WebFinger leads
// back to it. Each Follow must be accepted; from GoToSocial, only after a
// signed GET of the owner by Herald's instance actor, found by WebFinger of
// acct:HOST:PORT@HOST:PORT (base_url carries a port here).
func TestFollowFromEveryKeyShape(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	dir := fedtest.NewDirectory()
	t.Cleanup(dir.Close)
	feed := apptest.NewFeedServer(t, apptest.Fixture(t, "1-published.feed.rss.xml"))
	cfg := apptest.Config(t, config.Feed{Handle: "news", URL: feed.URL})
	h := apptest.Start(t, cfg, nil)
	urls := actor.URLs{Base: cfg.BaseURL}
	for _, tc := range []struct {
		name, path string
		style      fedtest.Style
		signed     bool // the owner must have been fetched signed
	}{
		{"fragment in the actor", "/users/mastodon", fedtest.StyleMastodon, false},
		{"bare key document", "/users/keydoc", fedtest.StyleKeyDocument, false},
		{"GoToSocial key stub, actor behind signed fetch", "/users/gts", fedtest.StyleGoToSocial, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, err := dir.Add(tc.path, tc.style)
			if err != nil {
				t.Fatal(err)
			}
			if status := postFollow(ctx, t, a, urls, a.ID()); status != http.StatusAccepted {
				t.Fatalf("Follow from %s: HTTP %d, want 202", a.ID(), status)
			}
			followers, err := h.Store().Followers("news")
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, f := range followers {
				found = found || f.ID == a.ID()
			}
			if !found {
				t.Fatalf("followers %+v lack %s", followers, a.ID())
			}
			if !tc.signed {
				return
			}
			var signed bool
			for _, f := range a.Fetches() {
				signed = signed || (f.Verified && f.KeyID == urls.InstanceKeyID())
			}
			if !signed {
				t.Fatalf("actor fetches %+v: none signed by the instance actor and verified (WebFinger of the instance actor included)", a.Fetches())
			}
		})
	}
}

// TestKeyOwnerSpoofingRefused has mallory sign a Follow as alice with her
// own key, whose document at the key's path names alice as its owner: a
// GoToSocial-shaped stub, and a bare key document. Alice's actor names
// another key, so the Follow is refused and nothing is stored.
func TestKeyOwnerSpoofingRefused(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for name, style := range map[string]fedtest.Style{"GoToSocial key stub": fedtest.StyleGoToSocial, "bare key document": fedtest.StyleKeyDocument} {
		t.Run(name, func(t *testing.T) {
			e := newForgeEnv(t, nil)
			alice, err := e.dir.Add("/users/alice2", style)
			if err != nil {
				t.Fatal(err)
			}
			mallory, err := e.dir.Add("/users/mallory2", style)
			if err != nil {
				t.Fatal(err)
			}
			mallory.SetKeyOwner(alice.ID())
			urls := actor.URLs{Base: e.cfg.BaseURL}
			if status := postFollow(ctx, t, mallory, urls, alice.ID()); status != http.StatusUnauthorized {
				t.Fatalf("Follow as %s signed with %s: HTTP %d, want 401", alice.ID(), mallory.KeyID(), status)
			}
			e.nothingStored(t)
		})
	}
}

// postFollow posts a Follow of the news account by actorID, signed by a,
// to Herald's shared inbox and returns the status.
func postFollow(ctx context.Context, t *testing.T, a *fedtest.Account, urls actor.URLs, actorID string) int {
	t.Helper()
	body := apptest.MustJSON(t, map[string]any{"@context": "https://www.w3.org/ns/activitystreams",
		"id": actorID + "#follows/1", "type": "Follow", "actor": actorID, "object": urls.Actor("news")})
	resp, err := a.Post(ctx, urls.Base+"/inbox", body, time.Now(), nil)
	if err != nil {
		t.Fatal(err)
	}
	msg, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Logf("HTTP %d: %s", resp.StatusCode, msg)
	}
	return resp.StatusCode
}

// TestKeyIDNamingTheActor: a keyId may be the actor's own id, without a
// fragment (Activity-Relay signs so, and Mastodon accepts it): the actor's
// one key then verifies. Mallory signing with alice's actor id as keyId is
// still refused: alice's key does not verify her signature.
func TestKeyIDNamingTheActor(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	e := newForgeEnv(t, nil)
	urls := actor.URLs{Base: e.cfg.BaseURL}
	post := func(a *fedtest.Account, key *rsa.PrivateKey, keyID string) int {
		body := apptest.MustJSON(t, map[string]any{"@context": "https://www.w3.org/ns/activitystreams",
			"id": keyID + "#follows/1", "type": "Follow", "actor": keyID, "object": urls.Actor("news")})
		req, err := a.SignedPost(ctx, urls.Base+"/inbox", body, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if err := fedtest.SignCavage(req, keyID, key, fedtest.StyleMastodon); err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	aliceKey, malloryKey := newKey(t), newKey(t)
	alice := e.dir.AddWithKey("/users/alice3", fedtest.StyleMastodon, aliceKey)
	mallory := e.dir.AddWithKey("/users/mallory3", fedtest.StyleMastodon, malloryKey)
	if status := post(mallory, malloryKey, alice.ID()); status != http.StatusUnauthorized {
		t.Fatalf("mallory signing as keyId %s: HTTP %d, want 401", alice.ID(), status)
	}
	e.nothingStored(t)
	if status := post(alice, aliceKey, alice.ID()); status != http.StatusAccepted {
		t.Fatalf("keyId %s (the actor): HTTP %d, want 202", alice.ID(), status)
	}
}

// newKey makes an RSA-2048 key.
func newKey(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return key
}
