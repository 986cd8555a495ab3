package server_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"herald/actor"
	"herald/apptest"
	"herald/config"
)

// webFingerCase is one lookup of TestWebFinger.
type webFingerCase struct {
	name     string
	resource string
	status   int
	self     string
	subject  string // when set, the JRD's subject
}

// webFingerCases are the lookups of TestWebFinger against a Herald whose
// base_url is urls.Base on host (with a port).
func webFingerCases(urls actor.URLs, host string) []webFingerCase {
	instance := "acct:" + actor.InstanceUsername(host) + "@" + host // acct:127.0.0.1@127.0.0.1:PORT
	return []webFingerCase{
		{name: "acct", resource: "acct:news@" + host, status: 200, self: urls.Actor("news")},
		{name: "case-insensitive", resource: "acct:NeWs@" + host, status: 200, self: urls.Actor("news")},
		{name: "actor URL", resource: urls.Actor("news"), status: 200, self: urls.Actor("news")},
		{name: "instance actor URL", resource: urls.InstanceActor(), status: 200, self: urls.InstanceActor(), subject: instance},
		// base_url carries a port: the subject Herald advertises for its
		// instance actor (preferredUsername@host, the port in the domain
		// only) must answer as it is; GoToSocial looks it up.
		{name: "instance actor subject, port in the domain", resource: instance, status: 200, self: urls.InstanceActor(), subject: instance},
		{name: "instance actor subject without acct:", resource: strings.TrimPrefix(instance, "acct:"), status: 200, self: urls.InstanceActor(), subject: instance},
		{name: "instance actor as HOST:PORT@HOST:PORT", resource: "acct:" + host + "@" + host, status: 200, self: urls.InstanceActor(), subject: instance},
		{name: "instance actor on another port", resource: "acct:" + host + "1@" + host + "1", status: 404},
		{name: "unknown account", resource: "acct:nobody@" + host, status: 404},
		{name: "other host", resource: "acct:news@example.org", status: 404},
		{name: "not an acct", resource: "mailto:news@" + host, status: 404},
		{name: "missing resource", resource: "", status: 400},
	}
}

func TestWebFinger(t *testing.T) {
	feed := apptest.NewFeedServer(t, apptest.Fixture(t, "1-published.feed.rss.xml"))
	cfg := apptest.Config(t, config.Feed{Handle: "news", URL: feed.URL})
	apptest.Start(t, cfg, nil)
	for _, tc := range webFingerCases(actor.URLs{Base: cfg.BaseURL}, cfg.Host()) {
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
				Subject string
				Links   []struct{ Rel, Type, Href string }
			}
			if err := json.NewDecoder(resp.Body).Decode(&jrd); err != nil {
				t.Fatal(err)
			}
			if len(jrd.Links) == 0 || jrd.Links[0].Rel != "self" || jrd.Links[0].Type != "application/activity+json" || jrd.Links[0].Href != tc.self {
				t.Fatalf("links %+v, want self %s", jrd.Links, tc.self)
			}
			if tc.subject != "" && jrd.Subject != tc.subject {
				t.Fatalf("subject %q, want %q", jrd.Subject, tc.subject)
			}
		})
	}
}
