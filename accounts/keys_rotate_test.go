package accounts_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"herald/actor"
	"herald/app"
	"herald/apptest"
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
	feed := apptest.NewFeedServer(t, apptest.Fixture(t, "1-published.feed.rss.xml"))
	cfg := apptest.Config(t, config.Feed{Handle: "news", URL: feed.URL})
	cfg.KeyEncryptionKey = strings.Repeat("ab", 32) // sealed keys: the previous one is kept sealed too
	h := apptest.Start(t, cfg, nil)
	apptest.Eventually(t, 5*time.Second, "first poll", func() bool { st, _ := h.Store().FeedState("news"); return st.Initialised })
	alice := apptest.NewPeer(t)
	alice.CacheKeys = true // like Mastodon
	urls := actor.URLs{Base: cfg.BaseURL}
	apptest.Follow(ctx, t, cfg.BaseURL, alice)
	oldKey := apptest.GetJSON(t, urls.Actor("news"), "application/activity+json")["publicKey"].(map[string]any)["publicKeyPem"]
	apptest.QueueDrained(t, h)
	h.Stop()

	st, err := store.Open(cfg.DataDir)
	if err != nil {
		t.Fatal(err)
	}
	b, err := app.New(app.Options{Config: cfg, Store: st, Client: h.Options().Client, Logger: h.Options().Logger, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	n, err := b.RotateKey("news")
	if err != nil || n != 1 {
		t.Fatalf("RotateKey = %d, %v", n, err)
	}
	st.Close()

	feed.Set(apptest.WithItem(apptest.Fixture(t, "1-published.feed.rss.xml"), "801", "Na de sleutelwissel", "Nieuw."))
	h = apptest.Start(t, cfg, nil)
	update := apptest.WaitVerified(ctx, t, alice, "Update", func(d fedtest.Delivery) bool { return d.Object()["type"] == "Service" })
	newKey := update.Object()["publicKey"].(map[string]any)["publicKeyPem"]
	if newKey == oldKey || update.KeyRefetched {
		t.Fatalf("the Update did not carry a new key signed with the old one (refetched %v)", update.KeyRefetched)
	}
	create := apptest.WaitVerified(ctx, t, alice, "Create", func(d fedtest.Delivery) bool {
		return d.Object()["id"] == urls.Object("news", "http://127.0.0.1:8081/?p=801")
	})
	if create.KeyRefetched {
		t.Fatal("the post after the rotation made the follower's server refetch the key (Mastodon would re-follow)")
	}
	if served := apptest.GetJSON(t, urls.Actor("news"), "application/activity+json")["publicKey"].(map[string]any)["publicKeyPem"]; served != newKey {
		t.Fatal("the actor does not serve the new key")
	}
	apptest.WantFollowers(t, h, 1)
}
