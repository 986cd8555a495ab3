package server_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"herald/actor"
	"herald/apptest"
	"herald/config"
	"herald/fedtest"
	"herald/store"
)

// TestDirectPostsAreNotPublic: a post addressed to one actor only (a
// direct message written in a Mastodon app) and its Create answer 404 to
// unsigned GETs, to browsers and to other actors' signed GETs, and 200 to
// a signed GET by the actor it is addressed to, kept from shared caches.
func TestDirectPostsAreNotPublic(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	feed := apptest.NewFeedServer(t, apptest.Fixture(t, "1-published.feed.rss.xml"))
	cfg := apptest.Config(t, config.Feed{Handle: "news", URL: feed.URL})
	h := apptest.Start(t, cfg, nil)
	dir := fedtest.NewDirectory()
	t.Cleanup(dir.Close)
	alice, _ := dir.Add("/users/alice", fedtest.StyleMastodon)
	bob, _ := dir.Add("/users/bob", fedtest.StyleMastodon)
	urls := actor.URLs{Base: cfg.BaseURL}
	note := urls.StatusID("news", 123456789)
	for _, d := range []store.Document{
		{ID: note, JSON: fmt.Appendf(nil, `{"id":%q,"type":"Note","to":[%q],"content":"<p>privé</p>"}`, note, alice.ID())},
		{ID: urls.Create(note), JSON: fmt.Appendf(nil, `{"id":%q,"type":"Create","to":[%q]}`, urls.Create(note), alice.ID())},
	} {
		if err := h.Store().PutDocument(d); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range []string{note, urls.Create(note)} {
		for name, get := range map[string]func() (*http.Response, error){
			"unsigned": func() (*http.Response, error) { return getAs(ctx, id, "application/activity+json") },
			"browser":  func() (*http.Response, error) { return getAs(ctx, id, "text/html") },
			"bob":      func() (*http.Response, error) { return bob.Get(ctx, id) },
			"alice":    func() (*http.Response, error) { return alice.Get(ctx, id) },
		} {
			resp, err := get()
			if err != nil {
				t.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			want := http.StatusNotFound
			if name == "alice" {
				want = http.StatusOK
			}
			if resp.StatusCode != want || (want == http.StatusOK && resp.Header.Get("Cache-Control") != "private, max-age=60") {
				t.Errorf("GET %s as %s: HTTP %d (Cache-Control %q), want %d", id, name, resp.StatusCode, resp.Header.Get("Cache-Control"), want)
			}
		}
	}
}

func getAs(ctx context.Context, url, accept string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", accept)
	return http.DefaultClient.Do(req)
}
