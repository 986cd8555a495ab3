package feeds

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	testETag         = `"57c97030c4511925c3081e07e91c84a6"` // the real WordPress ETag of 1-published
	testLastModified = "Thu, 26 Nov 2026 01:33:34 GMT"
)

// feedServer is an httptest server with one handler per behaviour. It
// records the headers of the last request to /feed.
type feedServer struct {
	*httptest.Server
	mu      sync.Mutex
	lastReq http.Header
}

func newFeedServer(t *testing.T) *feedServer {
	t.Helper()
	wp := readTestdata(t, "wordpress/1-published.rss.xml")
	s := &feedServer{}
	mux := http.NewServeMux()
	mux.HandleFunc("/feed", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.lastReq = r.Header.Clone()
		s.mu.Unlock()
		w.Header().Set("ETag", testETag)
		w.Header().Set("Last-Modified", testLastModified)
		if r.Header.Get("If-None-Match") == testETag || r.Header.Get("If-Modified-Since") == testLastModified {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Type", "application/rss+xml; charset=UTF-8")
		_, _ = w.Write(wp)
	})
	mux.HandleFunc("/gone", func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) })
	mux.HandleFunc("/broken", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "database error", http.StatusInternalServerError)
	})
	mux.HandleFunc("/busy", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "120")
		w.WriteHeader(http.StatusTooManyRequests)
	})
	mux.HandleFunc("/hang", func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write(bytes.Repeat([]byte("x"), 4096))
	})
	mux.HandleFunc("/gzip", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Set("Content-Type", "application/rss+xml")
		zw := gzip.NewWriter(w)
		_, _ = zw.Write(wp)
		_ = zw.Close()
	})
	mux.HandleFunc("/home", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=UTF-8")
		_, _ = w.Write([]byte("<!DOCTYPE html>\n<html lang=\"nl-NL\"><head><title>Ministerie</title></head><body></body></html>"))
	})
	mux.HandleFunc("/old-feed", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/blog/feed", http.StatusMovedPermanently)
	})
	mux.HandleFunc("/blog/feed", func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write(readTestdata(t, "rss2.xml"))
	})
	s.Server = httptest.NewServer(mux)
	t.Cleanup(s.Close)
	return s
}

func (s *feedServer) lastHeader(name string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lastReq.Get(name)
}

func TestFetch(t *testing.T) {
	srv := newFeedServer(t)
	tests := []struct {
		name     string
		path     string
		fetcher  Fetcher // Client is filled in
		check    fetchCheck
		maxTakes time.Duration
	}{
		{name: "200 records validators", path: "/feed", check: wantValidatedFeed(srv.URL + "/feed")},
		{name: "404", path: "/gone", check: wantHTTPError(http.StatusNotFound, 0)},
		{name: "500", path: "/broken", check: wantHTTPError(http.StatusInternalServerError, 0)},
		{name: "429 with Retry-After", path: "/busy", check: wantHTTPError(http.StatusTooManyRequests, 2*time.Minute)},
		{name: "hang hits the timeout", path: "/hang", fetcher: Fetcher{Timeout: 200 * time.Millisecond}, maxTakes: 2 * time.Second,
			check: wantErrIs("timeout after 200ms", context.DeadlineExceeded)},
		{name: "body over MaxBytes", path: "/big", fetcher: Fetcher{MaxBytes: 1000}, check: wantErrIs("limit of 1000 bytes", ErrTooLarge)},
		{name: "body at MaxBytes", path: "/big", fetcher: Fetcher{MaxBytes: 4096}, check: wantNotTooLarge},
		{name: "gzip", path: "/gzip", check: wantItems(5)},
		{name: "html page", path: "/home", check: wantErrIs("text/html", ErrNotAFeed)},
		{name: "redirect", path: "/old-feed", check: wantRedirectedTo(srv.URL+"/blog/feed", srv.URL+"/2024/05/zon-dag")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := tt.fetcher
			f.Client = srv.Client()
			start := time.Now()
			res, err := f.Fetch(context.Background(), srv.URL+tt.path, Validators{})
			if tt.maxTakes > 0 && time.Since(start) > tt.maxTakes {
				t.Errorf("took %s, want under %s", time.Since(start), tt.maxTakes)
			}
			if err != nil && !strings.Contains(err.Error(), srv.URL) {
				t.Errorf("error %q does not name the URL", err)
			}
			tt.check(t, res, err)
		})
	}
}

// fetchCheck checks what one Fetch returned.
type fetchCheck func(t *testing.T, res *Result, err error)

// wantValidatedFeed wants the WordPress fixture's 5 items, the server's
// ETag and Last-Modified as validators, and url as the final URL.
func wantValidatedFeed(url string) fetchCheck {
	return func(t *testing.T, res *Result, err error) {
		mustOK(t, err)
		if res.NotModified || res.Feed == nil || len(res.Feed.Items) != 5 {
			t.Fatalf("result = %+v, want a feed with 5 items", res)
		}
		if want := (Validators{ETag: testETag, LastModified: testLastModified}); res.Validators != want {
			t.Errorf("Validators = %+v, want %+v", res.Validators, want)
		}
		if res.URL != url {
			t.Errorf("URL = %q", res.URL)
		}
	}
}

// wantErrIs wants an error containing substr that is (or wraps) target.
func wantErrIs(substr string, target error) fetchCheck {
	return func(t *testing.T, _ *Result, err error) {
		wantErr(t, err, substr)
		if !errors.Is(err, target) {
			t.Errorf("errors.Is(%v, %v) = false", err, target)
		}
	}
}

// wantNotTooLarge wants no ErrTooLarge: a body of exactly MaxBytes passes.
func wantNotTooLarge(t *testing.T, _ *Result, err error) {
	if errors.Is(err, ErrTooLarge) {
		t.Errorf("a body of exactly MaxBytes is refused: %v", err)
	}
}

// wantItems wants a feed of n items.
func wantItems(n int) fetchCheck {
	return func(t *testing.T, res *Result, err error) {
		mustOK(t, err)
		if len(res.Feed.Items) != n {
			t.Errorf("got %d items, want %d", len(res.Feed.Items), n)
		}
	}
}

// wantRedirectedTo wants url as the final URL of a redirected fetch of
// rss2.xml, and link as the link of its fourth item, which is relative in
// the feed and must be resolved against url.
func wantRedirectedTo(url, link string) fetchCheck {
	return func(t *testing.T, res *Result, err error) {
		mustOK(t, err)
		if res.URL != url {
			t.Errorf("URL = %q, want the final URL", res.URL)
		}
		if got := res.Feed.Items[3].Link; got != link {
			t.Errorf("relative link resolved to %q, want against the final URL", got)
		}
	}
}

func TestFetchConditional(t *testing.T) {
	srv := newFeedServer(t)
	f := Fetcher{Client: srv.Client(), UserAgent: "Herald/test"}
	first, err := f.Fetch(context.Background(), srv.URL+"/feed", Validators{})
	mustOK(t, err)
	if got := srv.lastHeader("If-None-Match"); got != "" {
		t.Errorf("first fetch sent If-None-Match %q", got)
	}
	for _, h := range []struct{ name, want string }{
		{"User-Agent", "Herald/test"},
		{"Accept", acceptHeader},
	} {
		if got := srv.lastHeader(h.name); got != h.want {
			t.Errorf("%s = %q, want %q", h.name, got, h.want)
		}
	}
	tests := []struct {
		name string
		sent Validators
	}{
		{name: "both validators", sent: first.Validators},
		{name: "etag only", sent: Validators{ETag: testETag}},
		{name: "last-modified only", sent: Validators{LastModified: testLastModified}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := f.Fetch(context.Background(), srv.URL+"/feed", tt.sent)
			mustOK(t, err)
			if got := srv.lastHeader("If-None-Match"); got != tt.sent.ETag {
				t.Errorf("If-None-Match = %q, want %q", got, tt.sent.ETag)
			}
			if got := srv.lastHeader("If-Modified-Since"); got != tt.sent.LastModified {
				t.Errorf("If-Modified-Since = %q, want %q", got, tt.sent.LastModified)
			}
			if !res.NotModified || res.Feed != nil {
				t.Fatalf("result = %+v, want NotModified", res)
			}
			// The server repeats both validators on its 304.
			if want := (Validators{ETag: testETag, LastModified: testLastModified}); res.Validators != want {
				t.Errorf("Validators = %+v, want %+v", res.Validators, want)
			}
		})
	}
}

func TestFetchErrors(t *testing.T) {
	srv := newFeedServer(t)
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name    string
		f       Fetcher
		ctx     context.Context
		url     string
		wantErr string
	}{
		{name: "nil client", f: Fetcher{}, ctx: context.Background(), url: srv.URL + "/feed", wantErr: "no Client"},
		{name: "bad url", f: Fetcher{Client: srv.Client()}, ctx: context.Background(), url: "http://[::1", wantErr: "fetch http://[::1"},
		{name: "caller canceled", f: Fetcher{Client: srv.Client()}, ctx: canceled, url: srv.URL + "/feed", wantErr: "context canceled"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := tt.f.Fetch(tt.ctx, tt.url, Validators{})
			if res != nil {
				t.Errorf("result = %+v, want nil", res)
			}
			wantErr(t, err, tt.wantErr)
		})
	}
}

func TestHTTPErrorMessage(t *testing.T) {
	tests := []struct {
		name string
		err  *HTTPError
		want string
	}{
		{name: "404", err: &HTTPError{URL: "https://x/feed", StatusCode: 404}, want: "GET https://x/feed: HTTP 404 Not Found"},
		{name: "429", err: &HTTPError{URL: "https://x/feed", StatusCode: 429, RetryAfter: 2 * time.Minute},
			want: "GET https://x/feed: HTTP 429 Too Many Requests (retry after 2m0s)"},
		{name: "unknown status", err: &HTTPError{URL: "https://x/feed", StatusCode: 599}, want: "GET https://x/feed: HTTP 599"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
		})
	}
}

func mustOK(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("Fetch: %v", err)
	}
}

func wantErr(t *testing.T, err error, substr string) {
	t.Helper()
	if err == nil || !strings.Contains(err.Error(), substr) {
		t.Fatalf("error = %v, want one containing %q", err, substr)
	}
}

func wantHTTPError(status int, retry time.Duration) fetchCheck {
	return func(t *testing.T, res *Result, err error) {
		t.Helper()
		var he *HTTPError
		if !errors.As(err, &he) {
			t.Fatalf("error = %v, want *HTTPError", err)
		}
		if he.StatusCode != status || he.RetryAfter != retry {
			t.Errorf("HTTPError = %+v, want status %d, RetryAfter %s", he, status, retry)
		}
	}
}
