package gotosocial_test

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// fixtureOrigin is where the WordPress 6.1 fixtures were captured; the site
// serves them with its own origin instead.
const fixtureOrigin = "http://127.0.0.1:8081"

// site is the WordPress site on loopback: the captured feed
// (testdata/wordpress-6.1) with posts the test publishes, edits and trashes
// on top, conditional GETs answered as WordPress does (ETag, 304), and the
// uploads (JPEG photos, the PNG site icon). Every other page is 404, as a
// trashed post's page is.
type site struct {
	*httptest.Server
	fixture string

	mu    sync.Mutex
	posts []post // newest first
}

// post is an item the test publishes on the site.
type post struct {
	id               int
	title, text, alt string
	categories       []string
	published        time.Time
}

func (p post) link(origin string) string {
	return fmt.Sprintf("%s/%s/post-%d/", origin, p.published.UTC().Format("2006/01/02"), p.id)
}

// image is the upload path of the post's photo ("" for none).
func (p post) image() string {
	if p.alt == "" {
		return ""
	}
	return fmt.Sprintf("/wp-content/uploads/%s/photo-%d.jpg", p.published.UTC().Format("2006/01"), p.id)
}

func newSite(t *testing.T) *site {
	t.Helper()
	raw, err := os.ReadFile("../../testdata/wordpress-6.1/1-published.feed.rss.xml")
	if err != nil {
		t.Fatal(err)
	}
	s := &site{}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	s.fixture = strings.ReplaceAll(string(raw), fixtureOrigin, s.URL)
	return s
}

// feedURL and icon are what the Herald config names.
func (s *site) feedURL() string { return s.URL + "/feed/" }
func (s *site) icon() string    { return s.URL + "/wp-content/uploads/2026/11/cropped-icon.png" }

// publish puts p on top of the feed, or replaces the post with p's id.
func (s *site) publish(p post) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.posts {
		if s.posts[i].id == p.id {
			s.posts[i] = p
			return
		}
	}
	s.posts = append([]post{p}, s.posts...)
}

// trash removes the post with id from the feed (its page is 404 anyway).
func (s *site) trash(id int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.posts {
		if s.posts[i].id == id {
			s.posts = append(s.posts[:i], s.posts[i+1:]...)
			return
		}
	}
}

func (s *site) serve(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/feed/":
		s.serveFeed(w, r)
	case strings.HasPrefix(r.URL.Path, "/wp-content/uploads/") && strings.HasSuffix(r.URL.Path, ".jpg"):
		w.Header().Set("Content-Type", "image/jpeg")
		_ = jpeg.Encode(w, picture(640, 360), nil)
	case strings.HasPrefix(r.URL.Path, "/wp-content/uploads/") && strings.HasSuffix(r.URL.Path, ".png"):
		w.Header().Set("Content-Type", "image/png")
		_ = png.Encode(w, picture(192, 192))
	default:
		http.NotFound(w, r)
	}
}

// serveFeed answers with the feed, honouring If-None-Match.
func (s *site) serveFeed(w http.ResponseWriter, r *http.Request) {
	body := s.feed()
	sum := sha256.Sum256(body)
	etag := `"` + hex.EncodeToString(sum[:8]) + `"`
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("ETag", etag)
	w.Header().Set("Content-Type", "application/rss+xml; charset=UTF-8")
	_, _ = w.Write(body)
}

// feed renders the fixture with the test's posts before its first item, in
// the shape WordPress 6.1 writes them.
func (s *site) feed() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	var b strings.Builder
	for _, p := range s.posts {
		link := p.link(s.URL)
		fmt.Fprintf(&b, "<item>\n\t\t<title>%s</title>\n\t\t<link>%s</link>\n\t\t<dc:creator><![CDATA[Redactie Voorbeeldzaken]]></dc:creator>\n\t\t<pubDate>%s</pubDate>\n",
			p.title, link, p.published.UTC().Format(time.RFC1123Z))
		for _, c := range p.categories {
			fmt.Fprintf(&b, "\t\t<category><![CDATA[%s]]></category>\n", c)
		}
		content := "<p>" + p.text + "</p>"
		if img := p.image(); img != "" {
			content += fmt.Sprintf("\n<p><img decoding=\"async\" loading=\"lazy\" src=\"%s%s\" alt=\"%s\" width=\"640\" height=\"360\" /></p>", s.URL, img, p.alt)
		}
		fmt.Fprintf(&b, "\t\t<guid isPermaLink=\"false\">%s/?p=%d</guid>\n\t\t<description><![CDATA[%s]]></description>\n\t\t<content:encoded><![CDATA[%s]]></content:encoded>\n\t</item>\n\t",
			s.URL, p.id, p.text, content)
	}
	return []byte(strings.Replace(s.fixture, "<item>", b.String()+"<item>", 1))
}

// picture is a small gradient, a real image for GoToSocial's media processing.
func picture(w, h int) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x * 255 / w), uint8(y * 255 / h), 160, 255})
		}
	}
	return img
}
