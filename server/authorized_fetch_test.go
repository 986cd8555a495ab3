package server_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"herald/actor"
	"herald/apptest"
	"herald/config"
	"herald/fedtest"
)

// fetchAs GETs url signed by s (unsigned when s is nil) and returns the
// status and the decoded JSON body.
func fetchAs(t *testing.T, s *fedtest.Server, url string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Accept", "application/activity+json")
	if s != nil {
		if err := s.Sign(req, nil, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var doc map[string]any
	_ = json.Unmarshal(body, &doc)
	return resp.StatusCode, doc
}

// TestAuthorizedFetch: with authorized_fetch, posts and collections need a
// signature from an actor that is not blocked; unsigned actor fetches get
// the key and inbox only; discovery stays public.
func TestAuthorizedFetch(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	feed := apptest.NewFeedServer(t, apptest.Fixture(t, "1-published.feed.rss.xml"))
	cfg := apptest.Config(t, config.Feed{Handle: "news", URL: feed.URL})
	cfg.AuthorizedFetch = true
	mallory := apptest.NewPeer(t)
	cfg.Inbox.BlockedActors = []string{mallory.ActorID()}
	h := apptest.Start(t, cfg, nil)
	apptest.Eventually(t, 5*time.Second, "first poll", func() bool { st, _ := h.Store().FeedState("news"); return st.Initialised })
	alice := apptest.NewPeer(t)
	urls := actor.URLs{Base: cfg.BaseURL}
	post := urls.Object("news", "http://127.0.0.1:8081/?p=4")

	tests := []struct {
		name string
		as   *fedtest.Server
		url  string
		want int
	}{
		{name: "post unsigned", url: post, want: 401},
		{name: "post signed", as: alice, url: post, want: 200},
		{name: "post signed by a blocked actor", as: mallory, url: post, want: 403},
		{name: "outbox unsigned", url: urls.Outbox("news"), want: 401},
		{name: "outbox signed", as: alice, url: urls.Outbox("news") + "?page=true", want: 200},
		{name: "followers unsigned", url: urls.Followers("news"), want: 401},
		{name: "instance actor unsigned", url: urls.InstanceActor(), want: 200},
		{name: "nodeinfo unsigned", url: cfg.BaseURL + "/nodeinfo/2.1", want: 200},
		{name: "actor signed by a blocked actor", as: mallory, url: urls.Actor("news"), want: 403},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if status, _ := fetchAs(t, tc.as, tc.url); status != tc.want {
				t.Fatalf("HTTP %d, want %d", status, tc.want)
			}
		})
	}

	_, minimal := fetchAs(t, nil, urls.Actor("news"))
	_, full := fetchAs(t, alice, urls.Actor("news"))
	if minimal["publicKey"] == nil || minimal["inbox"] == nil || minimal["name"] != nil || minimal["followers"] != nil {
		t.Errorf("unsigned actor fetch: %v", minimal)
	}
	if full["name"] == nil || full["followers"] == nil {
		t.Errorf("signed actor fetch lacks the profile: %v", full)
	}
	// Federation still works: a follow is accepted and answered.
	apptest.Follow(ctx, t, urls.Base, alice)
}
