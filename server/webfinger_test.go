package server_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"

	"herald/actor"
	"herald/apptest"
	"herald/config"
)

func TestWebFinger(t *testing.T) {
	feed := apptest.NewFeedServer(t, apptest.Fixture(t, "1-published.feed.rss.xml"))
	cfg := apptest.Config(t, config.Feed{Handle: "news", URL: feed.URL})
	apptest.Start(t, cfg, nil)
	urls := actor.URLs{Base: cfg.BaseURL}
	host := cfg.Host()
	tests := []struct {
		name     string
		resource string
		status   int
		self     string
	}{
		{name: "acct", resource: "acct:news@" + host, status: 200, self: urls.Actor("news")},
		{name: "case-insensitive", resource: "acct:NeWs@" + host, status: 200, self: urls.Actor("news")},
		{name: "actor URL", resource: urls.Actor("news"), status: 200, self: urls.Actor("news")},
		{name: "instance actor URL", resource: urls.InstanceActor(), status: 200, self: urls.InstanceActor()},
		{name: "unknown account", resource: "acct:nobody@" + host, status: 404},
		{name: "other host", resource: "acct:news@example.org", status: 404},
		{name: "not an acct", resource: "mailto:news@" + host, status: 404},
		{name: "missing resource", resource: "", status: 400},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			u := cfg.BaseURL + "/.well-known/webfinger"
			if tc.resource != "" {
				u += "?resource=" + url.QueryEscape(tc.resource)
			}
			resp, err := http.Get(u)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if resp.StatusCode != tc.status {
				t.Fatalf("HTTP %d, want %d", resp.StatusCode, tc.status)
			}
			if tc.status != 200 {
				return
			}
			if ct := resp.Header.Get("Content-Type"); ct != "application/jrd+json" {
				t.Fatalf("Content-Type %q", ct)
			}
			var jrd struct {
				Links []struct{ Rel, Type, Href string }
			}
			if err := json.NewDecoder(resp.Body).Decode(&jrd); err != nil {
				t.Fatal(err)
			}
			if len(jrd.Links) == 0 || jrd.Links[0].Rel != "self" || jrd.Links[0].Type != "application/activity+json" || jrd.Links[0].Href != tc.self {
				t.Fatalf("links %+v, want self %s", jrd.Links, tc.self)
			}
		})
	}
}
