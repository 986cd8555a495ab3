package servers_test

import (
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// image is a picture of an item, in its HTML.
type image struct {
	name, alt string
	width     int
}

// pictures are n JPEG images with alt text.
func pictures(n int) []image {
	var out []image
	for i := range n {
		out = append(out, image{name: "photo" + string(rune('a'+i)) + ".jpg", alt: "Photo " + string(rune('A'+i))})
	}
	return out
}

// item is one post of the site.
type item struct {
	guid, title, text string
	images            []image
	at                time.Time
	gone              bool // withdrawn: out of the feed, its page answers 404
}

// site is a WordPress-like site: an RSS feed of its items, newest first,
// and a page per item that answers 404 once the item is withdrawn. It is
// safe for concurrent use.
type site struct {
	*httptest.Server
	mu    sync.Mutex
	items map[string]*item
}

// newSite starts a site with one old item, so that Herald's first poll
// has something to record and the feed's window covers later items.
func newSite(t *testing.T) *site {
	s := &site{items: map[string]*item{}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	s.put(item{guid: "1", title: "An older post", text: "Recorded at the first poll.", at: time.Now().Add(-time.Hour)})
	return s
}

// guidURL is the guid of item guid, Herald's item key.
func (s *site) guidURL(guid string) string { return s.URL + "/?p=" + guid }

// put adds or replaces an item; a zero date is now.
func (s *site) put(it item) {
	if it.at.IsZero() {
		it.at = time.Now()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.items[it.guid] = &it
}

// change edits an item with f.
func (s *site) change(guid string, f func(*item)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(s.items[guid])
}

func (s *site) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.URL.Path == "/feed/" {
		w.Header().Set("Content-Type", "application/rss+xml; charset=UTF-8")
		_, _ = io.WriteString(w, s.rss())
		return
	}
	guid := strings.Trim(strings.TrimPrefix(r.URL.Path, "/p/"), "/")
	if it := s.items[guid]; it == nil || it.gone {
		http.NotFound(w, r)
		return
	}
	_, _ = io.WriteString(w, "<!doctype html><title>article</title>")
}

// rss renders the feed; the caller holds s.mu.
func (s *site) rss() string {
	var items []*item
	for _, it := range s.items {
		if !it.gone {
			items = append(items, it)
		}
	}
	sort.Slice(items, func(i, j int) bool { return items[i].at.After(items[j].at) })
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">` +
		`<channel><title>Example News</title><link>` + s.URL + `/</link><description>News</description><language>en-GB</language>`)
	for _, it := range items {
		content := "<p>" + html.EscapeString(it.text) + "</p>"
		for _, img := range it.images {
			content += fmt.Sprintf(`<img src="%s/media/%s" alt="%s"`, s.URL, img.name, html.EscapeString(img.alt))
			if img.width > 0 {
				content += fmt.Sprintf(` width="%d" height="%d"`, img.width, img.width*2/3)
			}
			content += ">"
		}
		fmt.Fprintf(&b, `<item><title>%s</title><link>%s/p/%s/</link><pubDate>%s</pubDate><guid isPermaLink="false">%s</guid>`+
			`<description><![CDATA[%s]]></description><content:encoded><![CDATA[%s]]></content:encoded><category>News</category></item>`,
			html.EscapeString(it.title), s.URL, it.guid, it.at.UTC().Format(time.RFC1123Z), s.guidURL(it.guid), it.text, content)
	}
	b.WriteString("</channel></rss>")
	return b.String()
}
