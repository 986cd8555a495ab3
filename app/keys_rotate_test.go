package app_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"herald/actor"
	"herald/app"
	"herald/config"
	"herald/fedtest"
	"herald/store"
)

// TestRotateKeyWithoutRefollow: after `herald keys rotate`, followers get
// an Update of the actor with the new key, signed with the old key they
// know (so Mastodon keeps the follow), and the next post verifies with the
// new key without any key refetch.
func TestRotateKeyWithoutRefollow(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	feed := newFeedServer(t, readFixture(t, "1-published.feed.rss.xml"))
	cfg := heraldConfig(t, config.Feed{Handle: "news", URL: feed.URL})
	cfg.KeyEncryptionKey = strings.Repeat("ab", 32) // sealed keys: the previous one is kept sealed too
	h := startHerald(t, cfg, nil)
	eventually(t, 5*time.Second, "first poll", func() bool { st, _ := h.store.FeedState("news"); return st.Initialised })
	alice := newPeer(t)
	alice.CacheKeys = true // like Mastodon
	urls := actor.URLs{Base: cfg.BaseURL}
	postStatus(ctx, t, alice, urls.Inbox("news"), alice.Follow(urls.Actor("news"), "1"), http.StatusAccepted)
	waitVerified(ctx, t, alice, "Accept", func(fedtest.Delivery) bool { return true })
	oldKey := getJSON(t, urls.Actor("news"), "application/activity+json")["publicKey"].(map[string]any)["publicKeyPem"]
	queueDrained(t, h)
	h.stop()

	st, err := store.Open(cfg.DataDir)
	if err != nil {
		t.Fatal(err)
	}
	b, err := app.New(app.Options{Config: cfg, Store: st, Client: h.opts.Client, Logger: h.opts.Logger, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	n, err := b.RotateKey("news")
	if err != nil || n != 1 {
		t.Fatalf("RotateKey = %d, %v", n, err)
	}
	st.Close()

	feed.set(withItem(readFixture(t, "1-published.feed.rss.xml"), "801", "Na de sleutelwissel", "Nieuw."))
	h = startHerald(t, cfg, nil)
	update := waitVerified(ctx, t, alice, "Update", func(d fedtest.Delivery) bool { return d.Object()["type"] == "Service" })
	newKey := update.Object()["publicKey"].(map[string]any)["publicKeyPem"]
	if newKey == oldKey || update.KeyRefetched {
		t.Fatalf("the Update did not carry a new key signed with the old one (refetched %v)", update.KeyRefetched)
	}
	create := waitVerified(ctx, t, alice, "Create", func(d fedtest.Delivery) bool {
		return d.Object()["id"] == urls.Object("news", "http://127.0.0.1:8081/?p=801")
	})
	if create.KeyRefetched {
		t.Fatal("the post after the rotation made the follower's server refetch the key (Mastodon would re-follow)")
	}
	if served := getJSON(t, urls.Actor("news"), "application/activity+json")["publicKey"].(map[string]any)["publicKeyPem"]; served != newKey {
		t.Fatal("the actor does not serve the new key")
	}
	countIs(t, h, 1)
}
