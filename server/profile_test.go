package server_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"herald/actor"
	"herald/app"
	"herald/apptest"
	"herald/config"
)

// get fetches url with accept, without following redirects, and returns
// the response and its body.
func get(t *testing.T, url, accept string) (*http.Response, string) {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

const browserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"

// startNews starts Herald on the WordPress feed as @news, with tweak, and
// returns once the first poll is done.
func startNews(t *testing.T, tweak func(*app.Options)) *apptest.Herald {
	t.Helper()
	feed := apptest.NewFeedServer(t, apptest.Fixture(t, "1-published.feed.rss.xml"))
	cfg := apptest.Config(t, config.Feed{Handle: "news", URL: feed.URL, Summary: "Nieuws van het ministerie.\n\nTweede alinea <b>met</b> tekens.",
		Profile: config.Profile{Avatar: "http://127.0.0.1:8081/logo.png"}})
	h := apptest.Start(t, cfg, tweak)
	apptest.Eventually(t, 5*time.Second, "first poll", func() bool { st, _ := h.Store().FeedState("news"); return st.Initialised })
	return h
}

// TestProfilePage: a browser gets the account's page (name, bio escaped,
// website with rel="me", the handle to copy, the posts linking their pages
// and articles, the policies), worded in the account's language (here the
// feed's, nl-NL); ActivityPub clients get the actor document as before;
// ?before= pages.
func TestProfilePage(t *testing.T) {
	h := startNews(t, nil)
	cfg := h.Config()
	actorURL := cfg.BaseURL + "/users/news"

	resp, body := get(t, actorURL, browserAccept)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Fatalf("browser GET actor: HTTP %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if v := resp.Header.Get("Vary"); v != "Accept" {
		t.Errorf("Vary %q, want Accept", v)
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.HasSuffix(csp, "; img-src http://127.0.0.1:8081") {
		t.Errorf("Content-Security-Policy %q, want images from the avatar's origin only", csp)
	}
	wantAll(t, "profile page", body, `<html lang="nl-NL"`, `<img class="avatar" src="http://127.0.0.1:8081/logo.png" alt="Profielfoto van Ministerie van Voorbeeldzaken"`,
		`<h1>Ministerie van Voorbeeldzaken</h1>`, `value="@news@`+cfg.HandleDomain()+`"`, `<div class="bio"><p>Nieuws van het ministerie.</p>`, "&lt;b&gt;met&lt;/b&gt;",
		`<dt>Website</dt><dd><a href="http://127.0.0.1:8081" rel="me">`, `href="`+actorURL+`/posts/`, "<h2>Volg vanaf je eigen server</h2>", ">Volgen</button>",
		"<h2>Berichten</h2>", `href="http://127.0.0.1:8081/2026/11/26/hallo-wereld/"`, "Hallo wereld!", "26 november 2026",
		`href="/about/privacy">Privacyverklaring</a>`, `href="/about/minimum-age"`)
	if strings.Contains(body, "<script") || strings.Contains(body, "Oudere berichten") || strings.Contains(body, "Vastgezet") {
		t.Errorf("profile page has a script or a next page:\n%s", body)
	}

	for _, accept := range []string{"application/activity+json", `application/ld+json; profile="https://www.w3.org/ns/activitystreams"`} {
		resp, doc := get(t, actorURL, accept)
		_, plain := get(t, actorURL, "")
		var actor map[string]any
		if resp.StatusCode != http.StatusOK || json.Unmarshal([]byte(doc), &actor) != nil || actor["id"] != actorURL || doc != plain {
			t.Errorf("GET actor with %s: HTTP %d, not the actor document:\n%s", accept, resp.StatusCode, doc)
		}
	}

	entries, _, err := h.Store().Outbox("news", time.Time{}, 100)
	if err != nil || len(entries) < 4 {
		t.Fatalf("outbox: %d entries, %v", len(entries), err)
	}
	resp, body = get(t, actorURL+"?before="+strconv.FormatInt(entries[2].At.UnixNano(), 10), browserAccept)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "Nieuwste berichten") || strings.Count(body, `href="`+actorURL+`/posts/`) != len(entries)-3 {
		t.Errorf("second page: HTTP %d, want %d posts and a link to the newest:\n%s", resp.StatusCode, len(entries)-3, body)
	}
	if resp, _ := get(t, actorURL+"?before=yesterday", browserAccept); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("?before=yesterday: HTTP %d, want 400", resp.StatusCode)
	}
}

// TestProfilePageRedirect: with redirect_browsers_to_site a browser is sent
// to the website, as before the profile page existed.
func TestProfilePageRedirect(t *testing.T) {
	h := startNews(t, func(o *app.Options) { o.Config.RedirectBrowsersToSite = true })
	resp, _ := get(t, h.Config().BaseURL+"/users/news", browserAccept)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "http://127.0.0.1:8081" {
		t.Errorf("browser GET actor: HTTP %d to %q, want 303 to the site", resp.StatusCode, resp.Header.Get("Location"))
	}
}

// TestProfilePageOlder: a profile page with a full page of posts links the
// next one, which holds the older posts and links back to the newest.
func TestProfilePageOlder(t *testing.T) {
	body := apptest.Fixture(t, "1-published.feed.rss.xml")
	for i := range 20 {
		body = apptest.WithItem(body, "extra-"+strconv.Itoa(i), "Extra bericht "+strconv.Itoa(i), "Tekst.")
	}
	feed := apptest.NewFeedServer(t, body)
	cfg := apptest.Config(t, config.Feed{Handle: "news", URL: feed.URL})
	h := apptest.Start(t, cfg, nil)
	apptest.Eventually(t, 5*time.Second, "first poll", func() bool { st, _ := h.Store().FeedState("news"); return st.Initialised })
	entries, _, err := h.Store().Outbox("news", time.Time{}, 100)
	if err != nil || len(entries) != 25 {
		t.Fatalf("outbox: %d entries, %v; want 25", len(entries), err)
	}
	actorURL := cfg.BaseURL + "/users/news"
	_, first := get(t, actorURL, browserAccept)
	older := `href="` + actorURL + "?before=" + strconv.FormatInt(entries[19].At.UnixNano(), 10) + `"`
	if strings.Count(first, `href="`+actorURL+`/posts/`) != 20 || !strings.Contains(first, older) {
		t.Errorf("first page: want 20 posts and the link %s:\n%s", older, first)
	}
	_, second := get(t, actorURL+"?before="+strconv.FormatInt(entries[19].At.UnixNano(), 10), browserAccept)
	if strings.Count(second, `href="`+actorURL+`/posts/`) != 5 || !strings.Contains(second, "Nieuwste berichten") || strings.Contains(second, "Oudere berichten") {
		t.Errorf("second page: want the 5 older posts and a link to the newest:\n%s", second)
	}
}

// startAccount starts Herald with the WordPress feed as account f (its
// handle news, its URL set here) and the operator op, and returns once
// the first poll is done.
func startAccount(t *testing.T, f config.Feed, op config.Operator) *apptest.Herald {
	t.Helper()
	feed := apptest.NewFeedServer(t, apptest.Fixture(t, "1-published.feed.rss.xml"))
	f.Handle, f.URL = "news", feed.URL
	cfg := apptest.Config(t, f)
	cfg.Operator = op
	h := apptest.Start(t, cfg, nil)
	apptest.Eventually(t, 5*time.Second, "first poll", func() bool { st, _ := h.Store().FeedState("news"); return st.Initialised })
	return h
}

// TestAccountPagesLanguage: an account's page and its posts' pages are
// worded in the account's configured language (a region tag in its base
// language); in one the pages do not speak, in operator.language's, else
// in English, with the account's own text marked with its language.
func TestAccountPagesLanguage(t *testing.T) {
	for _, c := range []struct {
		name, account, operator string
		profile, post           []string
	}{
		{"nl", "nl", "", []string{`<html lang="nl">`, "<h1>Ministerie van Voorbeeldzaken</h1>", ">Volgen</button>", "<h2>Berichten</h2>"},
			[]string{`<html lang="nl">`, "Gepubliceerd op", "<li>0 reacties</li>"}},
		{"region", "nl-BE", "en", []string{`<html lang="nl-BE">`, "<h1>Ministerie", "Volg vanaf je eigen server"},
			[]string{`<html lang="nl-BE">`, "<li>0 favorieten</li>"}},
		{"unknown: the operator's", "sv", "de", []string{`<html lang="de">`, `<h1 lang="sv">Ministerie`, ">Folgen</button>", "<h2>Beiträge</h2>"},
			[]string{`<html lang="de">`, `<h1 lang="sv">`, "<li>0 Antworten</li>"}},
		{"unknown: English", "sv", "fy", []string{`<html lang="en">`, `<h1 lang="sv">Ministerie`, ">Follow</button>", "<h2>Posts</h2>"},
			[]string{`<html lang="en">`, "Published <time", "<li>0 replies</li>"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := startAccount(t, config.Feed{Posts: config.Posts{Language: c.account}}, config.Operator{Language: c.operator})
			urls := actor.URLs{Base: h.Config().BaseURL}
			_, body := get(t, urls.Actor("news"), browserAccept)
			wantAll(t, "profile page", body, c.profile...)
			_, body = get(t, urls.Object("news", "http://127.0.0.1:8081/?p=4"), browserAccept)
			wantAll(t, "post page", body, c.post...)
		})
	}
}

// TestProfilePageDetails: the account's page shows its banner (decorative,
// its origin allowed), its fields (a link to the site with rel="me" as in
// the actor document, other links without, markup escaped) and, on the
// first page only, its pinned posts above the newest.
func TestProfilePageDetails(t *testing.T) {
	h := startAccount(t, config.Feed{Profile: config.Profile{Header: "http://127.0.0.1:8082/banner.jpg",
		Fields: []config.ProfileField{{Name: "Contact", Value: "http://127.0.0.1:8081/contact"},
			{Name: "Elders", Value: "https://elders.example/"}, {Name: "Let op", Value: `<script>alert("x")</script>`}},
		Featured: []string{"http://127.0.0.1:8081/2026/11/26/hallo-wereld/"}}}, config.Operator{})
	actorURL := h.Config().BaseURL + "/users/news"
	resp, body := get(t, actorURL, browserAccept)
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.HasSuffix(csp, "; img-src http://127.0.0.1:8082") {
		t.Errorf("Content-Security-Policy %q, want images from the banner's origin", csp)
	}
	wantAll(t, "profile page", body, `<img class="banner" src="http://127.0.0.1:8082/banner.jpg" alt="">`,
		`<dt>Contact</dt><dd><a href="http://127.0.0.1:8081/contact" rel="me">http://127.0.0.1:8081/contact</a></dd>`,
		`<dt>Elders</dt><dd><a href="https://elders.example/">https://elders.example/</a></dd>`,
		`<dt>Let op</dt><dd>&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;</dd>`)
	if strings.Contains(body, "<script") {
		t.Errorf("a field's markup is not escaped:\n%s", body)
	}
	pinned, hallo, posts := strings.Index(body, "<h2>Vastgezet</h2>"), strings.Index(body, "Hallo wereld!"), strings.Index(body, "<h2>Berichten</h2>")
	if pinned < 0 || hallo < pinned || posts < hallo {
		t.Errorf("pinned heading at %d, pinned post at %d, posts at %d: want the pinned post under its heading above the posts:\n%s", pinned, hallo, posts, body)
	}
	entries, _, err := h.Store().Outbox("news", time.Time{}, 100)
	if err != nil || len(entries) < 2 {
		t.Fatalf("outbox: %d entries, %v", len(entries), err)
	}
	if _, later := get(t, actorURL+"?before="+strconv.FormatInt(entries[0].At.UnixNano(), 10), browserAccept); strings.Contains(later, "Vastgezet") {
		t.Errorf("a later page lists the pinned posts:\n%s", later)
	}
}
