package intake_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"herald/actor"
	"herald/apptest"
	"herald/config"
)

// TestNewSourceSendsOnlyNewItems: when a feed's configured URL changes to
// another source (another format of the feed, a moved site) whose items
// carry other ids, the first poll of the new URL records the items dated
// before the old URL's last good poll without delivering them, and
// delivers only what was published since; alice gets one Create, not a
// copy of every post she already has.
func TestNewSourceSendsOnlyNewItems(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	old := apptest.NewFeedServer(t, apptest.Fixture(t, "1-published.feed.rss.xml"))
	cfg := apptest.Config(t, config.Feed{Handle: "news", URL: old.URL})
	cfg.MaxItemAge = config.Duration(100 * 365 * 24 * time.Hour) // the fixture's items are never too old to push
	h := apptest.Start(t, cfg, nil)
	urls := actor.URLs{Base: cfg.BaseURL}
	apptest.Eventually(t, 5*time.Second, "first poll", func() bool {
		st, _ := h.Store().FeedState("news")
		return st.Initialised
	})
	alice := apptest.NewPeer(t)
	apptest.Follow(ctx, t, cfg.BaseURL, alice)
	h.Stop()

	renamed := bytes.ReplaceAll(apptest.Fixture(t, "1-published.feed.rss.xml"), []byte("/?p="), []byte("/?post="))
	source := apptest.NewFeedServer(t, apptest.WithItem(renamed, "900", "Na de verhuizing", "Het eerste bericht van de nieuwe bron."))
	cfg.Feeds[0].URL = source.URL
	h = apptest.Start(t, cfg, nil)
	fresh := urls.Object("news", "http://127.0.0.1:8081/?p=900")
	apptest.Eventually(t, 10*time.Second, "the new item's Create", func() bool { return len(apptest.Creates(alice, fresh)) > 0 })
	apptest.QueueDrained(t, h)
	for _, d := range alice.Deliveries() {
		if d.Type() == "Create" && d.Object()["id"] != fresh {
			t.Errorf("an item the new source had before the switch was delivered as new: %v", d.Object()["id"])
		}
	}
	st, err := h.Store().FeedState("news")
	if err != nil || !st.NewSourceSince.IsZero() || st.ConfigURL != source.URL {
		t.Errorf("feed state after the new source's first poll: new_source_since %v, config_url %s (%v)", st.NewSourceSince, st.ConfigURL, err)
	}
	if seen, _ := h.Store().SeenItems("news"); len(seen) != 11 {
		t.Errorf("%d items seen, want 11 (5 old, 5 renamed, 1 new)", len(seen))
	}
}
