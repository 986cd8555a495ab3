package public

import (
	"strings"
	"testing"
	"time"
)

// profile is an account page with every part set: banner, fields (a
// verified link, another link, and text with markup), pinned posts.
func profile(lang string) ProfilePage {
	published := time.Date(2026, time.December, 7, 10, 0, 0, 0, time.UTC)
	return ProfilePage{
		Site: Site{Lang: lang, Host: "news.example"}, ContentLang: "nl", Name: "Ministerie", Handle: "@news@news.example",
		HeaderURL: "https://cdn.example/banner.jpg", Website: "https://www.example.nl",
		Fields: []Field{
			{Name: "Contact", Value: "https://www.example.nl/contact", URL: "https://www.example.nl/contact", Me: true},
			{Name: "Elders", Value: "https://elders.example/", URL: "https://elders.example/"},
			{Name: "Let op", Value: `<script>alert("x")</script> & meer`},
		},
		Pinned:    []PostLink{{Title: "Vast bericht", URL: "https://news.example/users/news/posts/1", Published: published}},
		Posts:     []PostLink{{Title: "Nieuw bericht", URL: "https://news.example/users/news/posts/2", Published: published}},
		FollowURL: "https://news.example/users/news/follow",
	}
}

// render returns what write writes, failing the test on an error.
func render(t *testing.T, write func(*strings.Builder) error) string {
	t.Helper()
	var b strings.Builder
	if err := write(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// wantIn fails for each of want that html lacks.
func wantIn(t *testing.T, html string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(html, w) {
			t.Errorf("page lacks %q", w)
		}
	}
	if t.Failed() {
		t.Log(html)
	}
}

// TestProfileWording: the account page is worded in its language (a
// region tag in its base language), falls back to English for one the
// catalogue lacks, and marks the account's text where its language
// differs from the page's.
func TestProfileWording(t *testing.T) {
	p, err := New()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		lang string
		want []string
	}{
		{"nl", []string{`<html lang="nl">`, "<h2>Volg vanaf je eigen server</h2>", ">Volgen</button>", "<h2>Berichten</h2>",
			"<h2>Vastgezet</h2>", "7 december 2026", "<dt>Website</dt>", "Privacyverklaring", `<h1>Ministerie</h1>`}},
		{"nl-BE", []string{`<html lang="nl-BE">`, ">Volgen</button>", `<h1 lang="nl">Ministerie</h1>`}},
		{"de", []string{`<html lang="de">`, ">Folgen</button>", "<h2>Beiträge</h2>", "7. Dezember 2026", `<a href="https://news.example/users/news/posts/2" lang="nl">`}},
		{"fr", []string{`<html lang="fr">`, ">Suivre</button>", "7 décembre 2026"}},
		{"en", []string{`<html lang="en">`, ">Follow</button>", "<h2>Posts</h2>", "<h2>Pinned</h2>", "7 December 2026"}},
		{"sv", []string{`<html lang="sv">`, ">Follow</button>", "<h2>Posts</h2>"}},
	} {
		t.Run(c.lang, func(t *testing.T) {
			html := render(t, func(b *strings.Builder) error { return p.Profile(b, profile(c.lang)) })
			wantIn(t, html, c.want...)
		})
	}
}

// TestProfileDetails: the banner is decorative, the fields a list whose
// links to the site carry rel="me" and whose text is escaped, and the
// pinned posts come before the newest.
func TestProfileDetails(t *testing.T) {
	p, err := New()
	if err != nil {
		t.Fatal(err)
	}
	html := render(t, func(b *strings.Builder) error { return p.Profile(b, profile("en")) })
	wantIn(t, html, `<img class="banner" src="https://cdn.example/banner.jpg" alt="">`,
		`<dt>Website</dt><dd><a href="https://www.example.nl" rel="me">`,
		`<div lang="nl"><dt>Contact</dt><dd><a href="https://www.example.nl/contact" rel="me">https://www.example.nl/contact</a></dd></div>`,
		`<dd><a href="https://elders.example/">https://elders.example/</a></dd>`,
		`<dd>&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; meer</dd>`)
	if strings.Contains(html, "<script") {
		t.Error("a field's markup is not escaped")
	}
	if pinned, posts := strings.Index(html, "Vast bericht"), strings.Index(html, "<h2>Posts</h2>"); pinned < 0 || pinned > posts {
		t.Errorf("pinned post at %d, posts heading at %d: want the pinned post first", pinned, posts)
	}
	bare := render(t, func(b *strings.Builder) error {
		return p.Profile(b, ProfilePage{Site: Site{Lang: "en", Host: "news.example"}, Name: "News", Handle: "@news@news.example"})
	})
	for _, absent := range []string{"banner", "<dl", "Pinned", "Older posts"} {
		if strings.Contains(bare, absent) {
			t.Errorf("a bare profile shows %q", absent)
		}
	}
}

// TestPostWording: a post's page in Dutch and French, with their plurals
// and dates, the post marked in its language.
func TestPostWording(t *testing.T) {
	p, err := New()
	if err != nil {
		t.Fatal(err)
	}
	page := PostPage{Title: "Titel", ContentLang: "nl", ArticleURL: "https://www.example.nl/a",
		Published: time.Date(2026, time.December, 1, 0, 0, 0, 0, time.UTC), Updated: time.Date(2026, time.December, 7, 0, 0, 0, 0, time.UTC), Likes: 1}
	for lang, want := range map[string][]string{
		"nl": {`<html lang="nl">`, "<h1>Titel</h1>", "Gepubliceerd op <time", ">1 december 2026</time>, bijgewerkt op", "<li>1 favoriet</li>",
			"<li>0 boosts</li>", "<li>0 reacties</li>", ">Lees het artikel op de website</a>", "<h2>Op de fediverse</h2>"},
		"fr": {`<html lang="fr">`, `<h1 lang="nl">Titel</h1>`, ">1er décembre 2026</time>", "<li>1 favori</li>", "<li>0 partage</li>", "<li>0 réponse</li>"},
	} {
		page.Site = Site{Lang: lang, Host: "news.example"}
		wantIn(t, render(t, func(b *strings.Builder) error { return p.Post(b, page) }), want...)
	}
}

// TestDefaultPoliciesInEnglish: in another language the default policy
// texts stay English, marked so and said to be, under headings in the
// page's language.
func TestDefaultPoliciesInEnglish(t *testing.T) {
	p, err := New()
	if err != nil {
		t.Fatal(err)
	}
	site := Site{Lang: "nl", Host: "news.example", ContactEmail: "a@example.org", ContactURL: "https://example.org/contact"}
	privacy := render(t, func(b *strings.Builder) error { return p.Privacy(b, PolicyPage{Site: site}) })
	wantIn(t, privacy, "<h1>Privacyverklaring</h1>", "alleen in het Engels", `<div lang="en">`, "(contact: <a href=\"mailto:a@example.org\">a@example.org</a> or <a")
	age := render(t, func(b *strings.Builder) error { return p.MinimumAge(b, PolicyPage{Site: site}) })
	wantIn(t, age, "<h1>Beleid minimumleeftijd</h1>", `<div lang="en">`, "under 13")
	english := render(t, func(b *strings.Builder) error {
		return p.Privacy(b, PolicyPage{Site: Site{Lang: "en", Host: "news.example"}})
	})
	if strings.Contains(english, "English only") {
		t.Error("the English policy says it is in English only")
	}
	about := render(t, func(b *strings.Builder) error { return p.About(b, AboutPage{Site: site}) })
	wantIn(t, about, "<h1>Over news.example</h1>", "Deze server wordt beheerd door de beheerder van news.example. Contact: <a href=\"mailto:a@example.org\">a@example.org</a> of <a")
}

// TestFollowErrorWording: the follow form's error page, in German, with
// what the visitor typed escaped.
func TestFollowErrorWording(t *testing.T) {
	p, err := New()
	if err != nil {
		t.Fatal(err)
	}
	html := render(t, func(b *strings.Builder) error {
		return p.FollowError(b, FollowErrorPage{Site: Site{Lang: "de", Host: "news.example"}, Handle: "news@news.example",
			Typed: "<script>x</script>", Back: "https://news.example/users/news"})
	})
	wantIn(t, html, `<html lang="de">`, "<h1>Von Ihrem Server aus folgen</h1>", "Um news@news.example zu folgen",
		"„&lt;script&gt;x&lt;/script&gt;“", ">Zurück zum Konto</a>")
}
