package outbound

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// countingServer starts a loopback server that counts its requests and
// answers with h.
func countingServer(t *testing.T, h http.HandlerFunc) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		h(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

// serverPort returns the TCP port srv listens on.
func serverPort(t *testing.T, srv *httptest.Server) uint16 {
	t.Helper()
	ap, err := netip.ParseAddrPort(srv.Listener.Addr().String())
	if err != nil {
		t.Fatalf("parse listener address: %v", err)
	}
	return ap.Port()
}

func get(ctx context.Context, t *testing.T, c *http.Client, u string) (*http.Response, error) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		t.Fatalf("new request: %v", err)
	}
	return c.Do(req)
}

func TestClientAddressGuard(t *testing.T) {
	ok := func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok") }
	target, targetHits := countingServer(t, ok)
	redirector, _ := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/ok" {
			ok(w, r)
			return
		}
		http.Redirect(w, r, target.URL+"/private", http.StatusFound)
	})
	targetPort := serverPort(t, target)
	// allowRedirectorOnly forbids the target's port and allows every other,
	// standing in for "redirector is public, target is private".
	allowRedirectorOnly := func(ap netip.AddrPort) bool { return ap.Port() == targetPort }

	tests := []struct {
		name    string
		client  *http.Client
		url     string
		refused bool
	}{
		{"loopback refused by default", NewClient(Options{}), target.URL, true},
		{"loopback allowed with AllowPrivate", NewClient(Options{AllowPrivate: true}), target.URL, false},
		{"allowed host reached", newClient(Options{}, allowRedirectorOnly), redirector.URL + "/ok", false},
		{"redirect to forbidden host refused", newClient(Options{}, allowRedirectorOnly), redirector.URL, true},
		{"localhost name refused", NewClient(Options{}), strings.Replace(target.URL, "127.0.0.1", "localhost", 1), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := targetHits.Load()
			resp, err := get(context.Background(), t, tt.client, tt.url)
			if tt.refused {
				if !errors.Is(err, ErrPrivateAddress) {
					t.Fatalf("err = %v, want ErrPrivateAddress", err)
				}
				var ue *url.Error
				if !errors.As(err, &ue) {
					t.Errorf("err %T is not a *url.Error", err)
				}
				if got := targetHits.Load(); got != before {
					t.Errorf("forbidden server got %d requests", got-before)
				}
				return
			}
			if err != nil {
				t.Fatalf("get: %v", err)
			}
			defer resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Errorf("status = %d, want 200", resp.StatusCode)
			}
		})
	}
}

func TestClientRedirectLimit(t *testing.T) {
	var srv *httptest.Server
	srv, _ = countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, srv.URL+r.URL.Path+"x", http.StatusFound)
	})
	c := NewClient(Options{AllowPrivate: true})
	_, err := get(context.Background(), t, c, srv.URL+"/")
	if !errors.Is(err, ErrTooManyRedirects) {
		t.Fatalf("err = %v, want ErrTooManyRedirects", err)
	}
}

func TestClientUserAgent(t *testing.T) {
	got := make(chan string, 1)
	srv, _ := countingServer(t, func(_ http.ResponseWriter, r *http.Request) { got <- r.UserAgent() })
	tests := []struct {
		name  string
		given string
		want  string
	}{
		{"set when missing", "", "Herald/1.0 (+https://news.example.org)"},
		{"kept when present", "Custom/2", "Custom/2"},
	}
	c := NewClient(Options{AllowPrivate: true, UserAgent: "Herald/1.0 (+https://news.example.org)"})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodGet, srv.URL, nil)
			if err != nil {
				t.Fatal(err)
			}
			if tt.given != "" {
				req.Header.Set("User-Agent", tt.given)
			}
			resp, err := c.Do(req)
			if err != nil {
				t.Fatalf("do: %v", err)
			}
			resp.Body.Close()
			if ua := <-got; ua != tt.want {
				t.Errorf("User-Agent = %q, want %q", ua, tt.want)
			}
			if tt.given == "" && req.Header.Get("User-Agent") != "" {
				t.Errorf("caller's request was modified")
			}
		})
	}
}

func TestClientResponseLimit(t *testing.T) {
	const limit = 1000
	tests := []struct {
		name    string
		size    int
		chunked bool
		tooBig  bool
	}{
		{"under limit", limit - 1, false, false},
		{"exactly at limit", limit, false, false},
		{"exactly at limit chunked", limit, true, false},
		{"one byte over", limit + 1, false, true},
		{"far over with content-length", 50 * limit, false, true},
		{"far over chunked", 50 * limit, true, true},
	}
	c := NewClient(Options{AllowPrivate: true, MaxResponseBytes: limit})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := countingServer(t, func(w http.ResponseWriter, _ *http.Request) {
				body := strings.Repeat("a", tt.size)
				if tt.chunked {
					for i := 0; i < len(body); i += 100 {
						_, _ = io.WriteString(w, body[i:min(i+100, len(body))])
						w.(http.Flusher).Flush()
					}
					return
				}
				_, _ = io.WriteString(w, body)
			})
			resp, err := get(context.Background(), t, c, srv.URL)
			if err != nil {
				t.Fatalf("get: %v", err)
			}
			defer resp.Body.Close()
			b, err := io.ReadAll(resp.Body)
			if tt.tooBig {
				if !errors.Is(err, ErrResponseTooLarge) {
					t.Fatalf("ReadAll err = %v, want ErrResponseTooLarge", err)
				}
				if len(b) > limit {
					t.Errorf("read %d bytes, more than the limit", len(b))
				}
				return
			}
			if err != nil || len(b) != tt.size {
				t.Errorf("ReadAll = %d bytes, %v; want %d bytes", len(b), err, tt.size)
			}
		})
	}
}

func TestClientTimeout(t *testing.T) {
	release := make(chan struct{})
	srv, _ := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	t.Cleanup(func() { close(release) }) // runs before srv.Close
	const timeout = 300 * time.Millisecond
	c := NewClient(Options{AllowPrivate: true, Timeout: timeout})
	start := time.Now()
	_, err := get(context.Background(), t, c, srv.URL)
	elapsed := time.Since(start)
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("err = %v, want a timeout", err)
	}
	if elapsed > timeout+2*time.Second {
		t.Errorf("timed out after %v, want about %v", elapsed, timeout)
	}
}

func TestNewClientDefaults(t *testing.T) {
	tests := []struct {
		name        string
		opts        Options
		wantTimeout time.Duration
		wantMax     int64
	}{
		{"zero options", Options{}, DefaultTimeout, DefaultMaxResponseBytes},
		{"explicit", Options{Timeout: time.Second, MaxResponseBytes: 42}, time.Second, 42},
		{"negative means default", Options{Timeout: -1, MaxResponseBytes: -1}, DefaultTimeout, DefaultMaxResponseBytes},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := NewClient(tt.opts)
			tr, ok := c.Transport.(*transport)
			if !ok {
				t.Fatalf("transport is %T", c.Transport)
			}
			base := tr.base.(*http.Transport)
			if c.Timeout != tt.wantTimeout || base.ResponseHeaderTimeout != tt.wantTimeout {
				t.Errorf("timeouts = %v, %v; want %v", c.Timeout, base.ResponseHeaderTimeout, tt.wantTimeout)
			}
			if tr.maxBytes != tt.wantMax {
				t.Errorf("maxBytes = %d, want %d", tr.maxBytes, tt.wantMax)
			}
			if base.Proxy != nil || !base.ForceAttemptHTTP2 || base.MaxIdleConnsPerHost != 16 {
				t.Errorf("transport settings: proxy set=%v h2=%v idle/host=%d",
					base.Proxy != nil, base.ForceAttemptHTTP2, base.MaxIdleConnsPerHost)
			}
		})
	}
}
