package feeds

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
)

// TestDiscoverHTML reads the <link> lines of real WordPress pages.
func TestDiscoverHTML(t *testing.T) {
	for _, c := range []struct {
		name, file, feed, api string
		feeds                 []string
	}{
		{"home", "wordpress/home.head-links.html", "http://127.0.0.1:8081/feed/", "http://127.0.0.1:8081/wp-json/",
			[]string{"http://127.0.0.1:8081/feed/", "http://127.0.0.1:8081/comments/feed/"}},
		// The category page also links the REST term as application/json:
		// not a feed.
		{"category", "wordpress/category-nieuws.head-links.html", "http://127.0.0.1:8081/feed/", "http://127.0.0.1:8081/wp-json/",
			[]string{"http://127.0.0.1:8081/feed/", "http://127.0.0.1:8081/comments/feed/", "http://127.0.0.1:8081/category/nieuws/feed/"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := DiscoverHTML(readTestdata(t, c.file), "http://127.0.0.1:8081/", nil)
			if d.Feed != c.feed || d.API != c.api || !slices.Equal(d.Feeds, c.feeds) {
				t.Errorf("got %+v", d)
			}
		})
	}
	for _, c := range []struct{ name, html, want string }{
		{"atom only", `<link rel="alternate" type="application/atom+xml" href="/atom">`, "https://x.example/atom"},
		{"rss preferred over atom", `<link rel="alternate" type="application/atom+xml" href="/atom"><link rel="alternate" type="application/rss+xml" href="/rss">`, "https://x.example/rss"},
		{"json feed", `<link rel="alternate" type="application/feed+json" href="/feed.json">`, "https://x.example/feed.json"},
		{"links in body ignored", `<body><link rel="alternate" type="application/rss+xml" href="/rss">`, ""},
		{"javascript href dropped", `<link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">`, ""},
		{"nothing", `<title>x</title>`, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			if d := DiscoverHTML([]byte("<html><head>"+c.html), "https://x.example/", nil); d.Feed != c.want {
				t.Errorf("Feed = %q, want %q", d.Feed, c.want)
			}
		})
	}
}

// TestDiscoveryPreferred: a configured format wins over RSS when the page
// offers it; otherwise the default choice stands.
func TestDiscoveryPreferred(t *testing.T) {
	page := `<html><head><link rel="alternate" type="application/rss+xml" href="/rss">` +
		`<link rel="alternate" type="application/atom+xml" href="/atom"><link rel="alternate" type="application/atom+xml" href="/atom2">`
	d := DiscoverHTML([]byte(page), "https://x.example/", nil)
	for format, want := range map[string]string{"": "https://x.example/rss", "rss": "https://x.example/rss",
		"atom": "https://x.example/atom", "json": "https://x.example/rss"} {
		if got := d.Preferred(format); got != want {
			t.Errorf("Preferred(%q) = %q, want %q", format, got, want)
		}
	}
}

// TestLinkHeader parses the Link header WordPress sends with its feeds.
func TestLinkHeader(t *testing.T) {
	h := http.Header{}
	h.Add("Link", `<http://127.0.0.1:8081/wp-json/>; rel="https://api.w.org/"`)
	h.Add("Link", `<http://127.0.0.1:8081/wp-json/wp/v2/categories/2>; rel="alternate"; type="application/json", </hub>; rel=hub`)
	got := LinkHeader(h, "https://site.example/feed/")
	want := map[string]string{
		RelWordPressAPI: "http://127.0.0.1:8081/wp-json/",
		"alternate":     "http://127.0.0.1:8081/wp-json/wp/v2/categories/2",
		"hub":           "https://site.example/hub",
	}
	if len(got) != len(want) {
		t.Fatalf("got %v", got)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
}

// TestFetchLinksAndDiscover: Fetch reports the Link header; Discover reads
// a page and its Link header.
func TestFetchLinksAndDiscover(t *testing.T) {
	feed := readTestdata(t, "rss2.xml")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Link", `</wp-json/>; rel="https://api.w.org/"`)
		if r.URL.Path == "/feed/" {
			_, _ = w.Write(feed)
			return
		}
		_, _ = w.Write([]byte(`<!doctype html><html><head><link rel="alternate" type="application/rss+xml" href="/feed/"></head><body>Home</body></html>`))
	}))
	defer srv.Close()
	f := &Fetcher{Client: srv.Client()}
	if _, err := f.Fetch(t.Context(), srv.URL+"/", Validators{}); !errors.Is(err, ErrHTMLPage) {
		t.Fatalf("Fetch of the home page: %v, want ErrHTMLPage", err)
	}
	d, err := f.Discover(t.Context(), srv.URL+"/")
	if err != nil || d.Feed != srv.URL+"/feed/" || d.API != srv.URL+"/wp-json/" {
		t.Fatalf("Discover = %+v, %v", d, err)
	}
	res, err := f.Fetch(t.Context(), d.Feed, Validators{})
	if err != nil || res.Links[RelWordPressAPI] != srv.URL+"/wp-json/" {
		t.Fatalf("Fetch links = %v, %v", res, err)
	}
}

// TestFeedHub: the hub advertised inside RSS (atom:link) and Atom.
func TestFeedHub(t *testing.T) {
	for _, c := range []struct{ name, doc, want string }{
		{"rss", `<?xml version="1.0"?><rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>t</title>` +
			`<atom:link rel="self" href="https://s.example/feed/"/><atom:link rel="hub" href="https://hub.example/"/></channel></rss>`, "https://hub.example/"},
		{"atom", `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><id>x</id>` +
			`<link rel="hub" href="/hub"/><link rel="self" href="https://s.example/atom"/></feed>`, "https://s.example/hub"},
		{"none", `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>`, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			f, err := Parse([]byte(c.doc), "https://s.example/feed/")
			if err != nil {
				t.Fatal(err)
			}
			if f.Hub != c.want {
				t.Errorf("Hub = %q, want %q", f.Hub, c.want)
			}
		})
	}
}
