package feeds

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// readTestdata returns the contents of testdata/name.
func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// wantItem is what one parsed item must hold. Summary and Content are
// prefixes ("" means the field must be empty); Hash is checked elsewhere.
type wantItem struct {
	title, link, author, image string
	summary, content           string
	categories                 []string
	published, updated         time.Time
}

func utcDate(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

const wpSite = "http://127.0.0.1:8081"

// The WordPress fixture's item keys and the items parseTests check in it.
var (
	wpKeys = []string{wpSite + "/?p=1", wpSite + "/?p=4", wpSite + "/?p=6", wpSite + "/?p=10", wpSite + "/?p=12"}
	wpP10  = wantItem{
		title:  "Nieuwe regels voor dijken & duinen: ‘samen sterker’",
		link:   wpSite + "/2026/11/26/nieuwe-regels-voor-dijken-duinen-samen-sterker/",
		author: "Redactie Voorbeeldzaken", summary: "Handmatige samenvatting", content: "<p>Vanaf 1 januari",
		categories: []string{"Nieuws", "Persberichten", "Water & Klimaat", "Deltaprogramma", "dijkversterking", "klimaatadaptatie", "Zeeland"},
		published:  utcDate("2026-11-26T01:33:32Z"),
	}
	// The Atom feed also gives the entry an updated date, equal to its published one.
	wpP10Atom = withUpdated(wpP10, wpP10.published)
	wpP6      = wantItem{ // the inline <img> is content, not the item image
		title:  "Video en foto: de Oosterscheldekering",
		link:   wpSite + "/2026/11/26/video-en-foto-de-oosterscheldekering/",
		author: "Redactie Voorbeeldzaken", summary: "Bekijk de video", content: "<p>Bekijk de video",
		categories: []string{"Multimedia"}, published: utcDate("2026-11-26T01:33:31Z"),
	}
	wpP4Edited = wantItem{
		title:  "Kabinet investeert € 5 miljoen in waterveiligheid (bijgewerkt)",
		link:   wpSite + "/2026/11/26/kabinet-investeert-e-5-miljoen-in-waterveiligheid/",
		author: "Redactie Voorbeeldzaken", summary: "Het kabinet trekt € 5 miljoen", content: "<p>Het kabinet trekt € 5 miljoen",
		categories: []string{"Nieuws", "waterveiligheid"}, published: utcDate("2026-11-26T01:33:29Z"),
	}
)

// withUpdated returns w with its updated time set.
func withUpdated(w wantItem, updated time.Time) wantItem {
	w.updated = updated
	return w
}

// parseTests are TestParse's fixtures: each file in testdata parsed as if
// fetched from feedURL must give the feed fields in want, the item keys
// (oldest first) in keys and, for the keys in items, those items.
var parseTests = []struct {
	name, file, feedURL string
	want                Feed // Items unused
	keys                []string
	items               map[string]wantItem
}{
	{
		name: "wordpress rss", file: "wordpress/1-published.rss.xml", feedURL: wpSite + "/feed/",
		want: Feed{Title: "Ministerie van Voorbeeldzaken", Description: "Nieuws en berichten van een fictief ministerie",
			SiteURL: wpSite, Language: "nl-NL"},
		keys:  wpKeys,
		items: map[string]wantItem{wpSite + "/?p=10": wpP10, wpSite + "/?p=6": wpP6},
	},
	{
		name: "wordpress atom", file: "wordpress/1-published.atom.xml", feedURL: wpSite + "/feed/atom/",
		want: Feed{Title: "Ministerie van Voorbeeldzaken", Description: "Nieuws en berichten van een fictief ministerie",
			SiteURL: wpSite, Language: "nl-NL"},
		keys:  wpKeys,
		items: map[string]wantItem{wpSite + "/?p=10": wpP10Atom},
	},
	{
		name: "wordpress rss after edit", file: "wordpress/2-edited.rss.xml", feedURL: wpSite + "/feed/",
		want: Feed{Title: "Ministerie van Voorbeeldzaken", Description: "Nieuws en berichten van een fictief ministerie",
			SiteURL: wpSite, Language: "nl-NL"},
		keys:  wpKeys,
		items: map[string]wantItem{wpSite + "/?p=4": wpP4Edited},
	},
	{
		name: "rss 2.0", file: "rss2.xml", feedURL: "https://example.org/feed/",
		want: Feed{Title: "Het Blog van Jan", Description: "Over dijken & duinen", SiteURL: "https://example.org/",
			Language: "nl", ImageURL: "https://example.org/logo.png"},
		keys: []string{
			"sha256:051197e19d3c63944fe336f53feb838fbe9de8ae765e455e87caf02de4e2ae47", // no guid, no usable link, no date: oldest
			"https://example.org/posts/1#main",                                        // no guid: the link, fragment kept
			"https://example.org/posts/2",
			"http://example.org/?p=7#top", // guid trimmed, host lowercased, :80 dropped
		},
		items: map[string]wantItem{
			"http://example.org/?p=7": {title: "Zo’n dag…", link: "https://example.org/2024/05/zon-dag",
				author: "Jan Jansen", summary: "<p>Kort</p>", categories: []string{"Nieuws", "Water & Klimaat"},
				image: "https://example.org/media/foto.jpg", published: utcDate("2024-05-01T10:00:00Z")},
			"https://example.org/posts/2": {title: "Met thumbnail", link: "https://example.org/posts/2", // permalink guid
				author: "Jan Jansen", image: "https://cdn.example.org/t.webp", published: utcDate("2024-04-30T09:00:00Z")},
			"https://example.org/posts/1": {title: "Zonder guid", link: "https://example.org/posts/1#main", // svg is no image
				author: "Jan Jansen", published: utcDate("2024-04-29T09:00:00Z")},
			"sha256:051197e19d3c63944fe336f53feb838fbe9de8ae765e455e87caf02de4e2ae47": {title: "Alleen tekst",
				author: "Jan Jansen", summary: "Geen link, geen guid, geen datum"},
		},
	},
	{
		name: "rss 1.0 rdf", file: "rss1.rdf", feedURL: "https://example.net/rss",
		want: Feed{Title: "RDF Nieuws", Description: "Een RSS 1.0 feed", SiteURL: "https://example.net/", Language: "nl"},
		keys: []string{"https://example.net/a", "https://example.net/b"},
		items: map[string]wantItem{
			"https://example.net/b": {title: "Tweede", link: "https://example.net/b", author: "Piet", summary: "B",
				categories: []string{"Overheid"}, published: utcDate("2024-02-02T09:00:00Z"), updated: utcDate("2024-02-02T09:00:00Z")},
		},
	},
	{
		name: "atom", file: "atom.xml", feedURL: "https://ann.example/feed.atom",
		want: Feed{Title: "Ann’s notes", Description: "Notes", SiteURL: "https://ann.example/", Language: "en",
			ImageURL: "https://ann.example/logo.gif"},
		keys: []string{"tag:ann.example,2024:1", "tag:ann.example,2024:2"},
		items: map[string]wantItem{
			"tag:ann.example,2024:1": {title: "First entry", link: "https://ann.example/1", author: "Bob",
				summary: "<p>Hi</p>", image: "https://ann.example/t.jpg",
				published: utcDate("2024-03-01T13:00:00Z"), updated: utcDate("2024-03-01T14:00:00Z")},
			"tag:ann.example,2024:2": {title: "Second", link: "https://ann.example/2", author: "Ann",
				content: "<p>Line one &amp; more<br>Line two</p>", categories: []string{"notes"},
				image:     "https://ann.example/img/2.png",
				published: utcDate("2024-03-02T00:00:00Z"), updated: utcDate("2024-03-02T00:00:00Z")},
		},
	},
	{
		name: "json feed 1.1", file: "feed.json", feedURL: "https://json.example/feed.json",
		want: Feed{Title: "JSON & Co", Description: "A JSON Feed", SiteURL: "https://json.example/", Language: "en-GB",
			ImageURL: "https://json.example/icon.png"},
		keys: []string{"1", "2"},
		items: map[string]wantItem{
			"1": {link: "https://json.example/1", author: "Carol", content: "<p>One &lt;raw&gt;</p><p>Para</p>",
				image: "https://json.example/1.png", published: utcDate("2024-04-01T10:00:00Z")},
			"2": {title: "Two", link: "https://json.example/2", author: "Carol", summary: "Second", content: "<p>Two</p>",
				categories: []string{"a", "b"}, image: "https://json.example/2.webp",
				published: utcDate("2024-04-02T08:00:00Z"), updated: utcDate("2024-04-03T10:00:00Z")},
		},
	},
}

func TestParse(t *testing.T) {
	for _, tt := range parseTests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(readTestdata(t, tt.file), tt.feedURL)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			items := got.Items
			got.Items = nil
			if !equalFeed(*got, tt.want) {
				t.Errorf("feed = %+v\nwant %+v", *got, tt.want)
			}
			var keys []string
			for _, it := range items {
				keys = append(keys, it.Key)
				if w, ok := tt.items[it.Key]; ok {
					checkItem(t, it, w)
				}
			}
			if !slices.Equal(keys, tt.keys) {
				t.Errorf("keys (oldest first) = %q\nwant %q", keys, tt.keys)
			}
		})
	}
}

func equalFeed(a, b Feed) bool {
	return a.Title == b.Title && a.Description == b.Description && a.SiteURL == b.SiteURL &&
		a.Language == b.Language && a.ImageURL == b.ImageURL
}

// checkItem compares it with w, field by field.
func checkItem(t *testing.T, it Item, w wantItem) {
	t.Helper()
	str := func(field, got, want string) {
		if got != want {
			t.Errorf("%s: %s = %q, want %q", it.Key, field, got, want)
		}
	}
	str("Title", it.Title, w.title)
	str("Link", it.Link, w.link)
	str("Author", it.Author, w.author)
	str("ImageURL", it.ImageURL, w.image)
	prefix := func(field, got, want string) {
		if (want == "" && got != "") || !strings.HasPrefix(got, want) {
			t.Errorf("%s: %s = %.80q, want prefix %q", it.Key, field, got, want)
		}
	}
	prefix("Summary", it.Summary, w.summary)
	prefix("Content", it.Content, w.content)
	if !slices.Equal(it.Categories, w.categories) {
		t.Errorf("%s: Categories = %q, want %q", it.Key, it.Categories, w.categories)
	}
	if !it.Published.Equal(w.published) || it.Published.Location() != time.UTC {
		t.Errorf("%s: Published = %v, want %v (UTC)", it.Key, it.Published, w.published)
	}
	if !it.Updated.Equal(w.updated) || it.Updated.Location() != time.UTC {
		t.Errorf("%s: Updated = %v, want %v (UTC)", it.Key, it.Updated, w.updated)
	}
	if len(it.Hash) != 64 {
		t.Errorf("%s: Hash = %q, want 64 hex digits", it.Key, it.Hash)
	}
}

// TestParseWordPressFormatsAgree checks that the RSS and the Atom feed of one
// site give the same identities and texts, so a site switching between them
// does not re-announce its posts as new.
func TestParseWordPressFormatsAgree(t *testing.T) {
	rss, err := Parse(readTestdata(t, "wordpress/1-published.rss.xml"), wpSite+"/feed/")
	if err != nil {
		t.Fatal(err)
	}
	atom, err := Parse(readTestdata(t, "wordpress/1-published.atom.xml"), wpSite+"/feed/atom/")
	if err != nil {
		t.Fatal(err)
	}
	if len(rss.Items) != len(atom.Items) {
		t.Fatalf("rss has %d items, atom %d", len(rss.Items), len(atom.Items))
	}
	for i, r := range rss.Items {
		a := atom.Items[i]
		if r.Key != a.Key || r.Title != a.Title || r.Link != a.Link || r.Summary != a.Summary ||
			!slices.Equal(r.Categories, a.Categories) || !r.Published.Equal(a.Published) {
			t.Errorf("item %d differs:\nrss  %+v\natom %+v", i, r, a)
		}
	}
}

func TestParseBadInput(t *testing.T) {
	truncated := readTestdata(t, "wordpress/1-published.rss.xml")[:3000]
	tests := []struct {
		name       string
		body       []byte
		notAFeed   bool
		wantInText string
	}{
		{name: "empty body", body: nil, notAFeed: true, wantInText: "empty body"},
		{name: "white space", body: []byte(" \n\t "), notAFeed: true, wantInText: "empty body"},
		{name: "html page", body: []byte("<!DOCTYPE html>\n<html><head><title>Home</title></head><body>Hi</body></html>"),
			notAFeed: true, wantInText: "HTML page"},
		{name: "xhtml page", body: []byte(`<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body/></html>`),
			notAFeed: true, wantInText: "HTML page"},
		{name: "binary junk", body: []byte{0x00, 0x01, 0xff, 0xfe, 0x89, 'P', 'N', 'G'}, notAFeed: true},
		{name: "plain text", body: []byte("hello world"), notAFeed: true, wantInText: "unrecognised"},
		{name: "json array", body: []byte(`[{"id":1}]`), notAFeed: true},
		{name: "wordpress rest post", body: readTestdata(t, "wordpress/wp-v2-post.json"), notAFeed: true, wantInText: "JSON Feed"},
		{name: "json with numeric version", body: []byte(`{"version":1.1,"items":[]}`), notAFeed: true},
		{name: "truncated json", body: []byte(`{"version":"https://jsonfeed.org/version/1.1","items":[`), wantInText: "malformed"},
		{name: "json feed with wrong types", body: []byte(`{"version":"https://jsonfeed.org/version/1.1","items":"x"}`), wantInText: "malformed"},
		{name: "truncated rss", body: truncated, wantInText: "malformed"},
		{name: "unclosed channel", body: []byte(`<rss version="2.0"><channel><title>x</title>`), wantInText: "malformed"},
		{name: "xml declaration only", body: []byte(`<?xml version="1.0"?>`), notAFeed: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse(tt.body, "https://example.org/feed")
			if err == nil {
				t.Fatalf("Parse = %+v, want an error", f)
			}
			if got := errors.Is(err, ErrNotAFeed); got != tt.notAFeed {
				t.Errorf("errors.Is(%v, ErrNotAFeed) = %v, want %v", err, got, tt.notAFeed)
			}
			if !strings.Contains(err.Error(), "https://example.org/feed") || !strings.Contains(err.Error(), tt.wantInText) {
				t.Errorf("error %q should name the URL and contain %q", err, tt.wantInText)
			}
		})
	}
}

func TestParseEmptyFeeds(t *testing.T) {
	tests := []struct{ name, body string }{
		{name: "rss without items", body: `<rss version="2.0"><channel><title>Leeg</title></channel></rss>`},
		{name: "atom without entries", body: `<feed xmlns="http://www.w3.org/2005/Atom"><title>Leeg</title></feed>`},
		{name: "json feed without items", body: `{"version":"https://jsonfeed.org/version/1","title":"Leeg","items":[]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse([]byte(tt.body), "")
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if f.Title != "Leeg" || len(f.Items) != 0 {
				t.Errorf("got %+v, want title Leeg and no items", f)
			}
		})
	}
}
