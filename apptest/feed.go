package apptest

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// FeedServer serves a feed document that a test can change at any time. It
// answers conditional GETs like WordPress does (ETag and 304). It is safe
// for concurrent use.
type FeedServer struct {
	*httptest.Server
	mu      sync.Mutex
	body    []byte
	status  int
	fetches int
}

// NewFeedServer serves body until Set changes it; the test's cleanup
// closes the server.
func NewFeedServer(t testing.TB, body []byte) *FeedServer {
	f := &FeedServer{body: body, status: http.StatusOK}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

// Set serves body from now on.
func (f *FeedServer) Set(body []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.body = body
}

// Fetches is the number of requests served so far, 304s included.
func (f *FeedServer) Fetches() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.fetches
}

func (f *FeedServer) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	body, status := f.body, f.status
	f.fetches++
	f.mu.Unlock()
	sum := sha256.Sum256(body)
	etag := `"` + hex.EncodeToString(sum[:8]) + `"`
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("ETag", etag)
	w.Header().Set("Content-Type", "application/rss+xml; charset=UTF-8")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// Fixture reads testdata/wordpress-6.1/name, a feed or REST answer of a real
// WordPress 6.1 site, from any package directory.
func Fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot(), "testdata", "wordpress-6.1", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// repoRoot is the repository's root directory, found from this source
// file's path. When the path is not absolute (a build with -trimpath) it is
// "..", the root as seen from a package directory, where tests run.
func repoRoot() string {
	_, file, _, ok := runtime.Caller(0)
	if !ok || !filepath.IsAbs(file) {
		return ".."
	}
	return filepath.Dir(filepath.Dir(file))
}

// WithItem inserts an RSS item before the first existing one, published
// now, with link http://127.0.0.1:8081/GUID/ and guid
// http://127.0.0.1:8081/?p=GUID as in the fixtures.
func WithItem(feed []byte, guid, title, description string) []byte {
	item := "<item><title>" + title + "</title><link>http://127.0.0.1:8081/" + guid + "/</link>" +
		"<pubDate>" + time.Now().UTC().Format(time.RFC1123Z) + "</pubDate>" +
		`<guid isPermaLink="false">http://127.0.0.1:8081/?p=` + guid + "</guid>" +
		"<description><![CDATA[" + description + "]]></description></item>\n"
	return []byte(strings.Replace(string(feed), "<item>", item+"<item>", 1))
}
