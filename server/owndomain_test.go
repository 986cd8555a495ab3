package server_test

import (
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"herald/actor"
	"herald/apptest"
	"herald/config"
)

// TestOwnDomainHandle runs Herald at one origin with handles on another
// domain, whose site redirects its WebFinger and host-meta to Herald as
// docs/accounts.md tells site owners to. A peer looking up
// @news@SITE (as Mastodon does: WebFinger at the handle's domain, following
// redirects), then checking the actor's own host, finds the same account
// and the same subject both ways.
func TestOwnDomainHandle(t *testing.T) {
	feed := apptest.NewFeedServer(t, apptest.Fixture(t, "1-published.feed.rss.xml"))
	cfg := apptest.Config(t, config.Feed{Handle: "news", URL: feed.URL})
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/.well-known/webfinger") || strings.HasPrefix(r.URL.Path, "/.well-known/host-meta") {
			http.Redirect(w, r, cfg.BaseURL+r.URL.RequestURI(), http.StatusMovedPermanently)
			return
		}
		http.NotFound(w, r)
	}))
	t.Cleanup(site.Close)
	siteHost := strings.TrimPrefix(site.URL, "http://")
	cfg.AccountDomain = siteHost
	apptest.Start(t, cfg, nil)
	urls := actor.URLs{Base: cfg.BaseURL}
	subject := "acct:news@" + siteHost

	for _, c := range []struct {
		name, origin, resource string
		status                 int
	}{
		{"handle at the site, via its redirect", site.URL, "acct:news@" + siteHost, 200},
		{"handle at the site, asked of Herald", cfg.BaseURL, "acct:news@" + siteHost, 200},
		{"handle at Herald's host", cfg.BaseURL, "acct:News@" + cfg.Host(), 200},
		{"actor URL", cfg.BaseURL, urls.Actor("news"), 200},
		{"another domain", cfg.BaseURL, "acct:news@example.net", 404},
	} {
		t.Run(c.name, func(t *testing.T) {
			resp, err := http.Get(c.origin + "/.well-known/webfinger?resource=" + url.QueryEscape(c.resource))
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if resp.StatusCode != c.status {
				t.Fatalf("HTTP %d, want %d", resp.StatusCode, c.status)
			}
			if c.status != 200 {
				return
			}
			var jrd struct {
				Subject string
				Links   []struct{ Rel, Type, Href string }
			}
			if err := json.NewDecoder(resp.Body).Decode(&jrd); err != nil {
				t.Fatal(err)
			}
			if jrd.Subject != subject || len(jrd.Links) == 0 || jrd.Links[0].Href != urls.Actor("news") {
				t.Errorf("subject %q, links %+v; want %s → %s", jrd.Subject, jrd.Links, subject, urls.Actor("news"))
			}
		})
	}

	t.Run("host-meta via the site", func(t *testing.T) { checkHostMetaViaSite(t, site.URL, cfg.BaseURL) })
}

// checkHostMetaViaSite: the site at siteURL redirects host-meta and
// host-meta.json to Herald at base, whose answers point WebFinger there.
func checkHostMetaViaSite(t *testing.T, siteURL, base string) {
	resp, err := http.Get(siteURL + "/.well-known/host-meta")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var xrd struct {
		Links []struct {
			Rel      string `xml:"rel,attr"`
			Template string `xml:"template,attr"`
		} `xml:"Link"`
	}
	if err := xml.Unmarshal(body, &xrd); err != nil || resp.Header.Get("Content-Type") != actor.HostMetaContentType {
		t.Fatalf("host-meta %s (%v): %s", resp.Header.Get("Content-Type"), err, body)
	}
	if len(xrd.Links) != 1 || xrd.Links[0].Rel != "lrdd" || xrd.Links[0].Template != base+"/.well-known/webfinger?resource={uri}" {
		t.Errorf("host-meta links %+v", xrd.Links)
	}
	resp2, err := http.Get(siteURL + "/.well-known/host-meta.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp2.Body.Close()
	var jrd struct {
		Links []struct{ Rel, Template string }
	}
	if err := json.NewDecoder(resp2.Body).Decode(&jrd); err != nil || len(jrd.Links) != 1 || jrd.Links[0].Template != xrd.Links[0].Template {
		t.Errorf("host-meta.json %+v (%v)", jrd, err)
	}
}
