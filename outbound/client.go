// Package outbound builds the one HTTP client Herald uses for every outbound
// request: feed fetches, actor and key fetches, and deliveries. The client
// refuses private destinations (checked on the resolved IP at dial time),
// bounds every request in time and every response in size, and identifies
// Herald with its User-Agent.
package outbound

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"
)

// ErrPrivateAddress is returned (wrapped) when a destination resolves to an
// address that Options forbid.
var ErrPrivateAddress = errors.New("destination address is not public")

// ErrResponseTooLarge is returned (wrapped) by a response Body's Read once more
// than Options.MaxResponseBytes have been read.
var ErrResponseTooLarge = errors.New("response body too large")

// ErrTooManyRedirects is returned (wrapped) when a request is redirected more
// than MaxRedirects times.
var ErrTooManyRedirects = errors.New("too many redirects")

// Defaults applied by NewClient to zero Options fields, and fixed limits.
const (
	DefaultTimeout          = 30 * time.Second
	DefaultDialTimeout      = 10 * time.Second
	DefaultMaxResponseBytes = 10 << 20 // 10 MiB
	MaxRedirects            = 5
)

// maxIdleConns bounds the keep-alive connections kept open over all hosts.
// It is well above the delivery workers' concurrency: when the pool
// overflows, the transport closes the oldest idle connection, and if that
// connection has just carried a bodyless answer (a peer's 202) whose
// caller has not yet picked it up, net/http reports the request as failed
// ("putIdleConn: too many idle connections") although the peer took it,
// and the delivery would be sent twice.
const maxIdleConns = 1024

// Options configure the client. The zero value is usable and refuses private
// destinations.
type Options struct {
	// AllowPrivate, when false, makes the dialer refuse loopback, private
	// (RFC 1918, fc00::/7), link-local, unspecified, multicast, CGNAT and
	// other non-public addresses; see IsPublicIP.
	AllowPrivate bool
	// Timeout bounds a whole request, including redirects and reading the
	// body (http.Client.Timeout), and the wait for response headers.
	// Zero or negative means DefaultTimeout.
	Timeout time.Duration
	// DialTimeout bounds each TCP connect. Zero or negative means
	// DefaultDialTimeout.
	DialTimeout time.Duration
	// UserAgent is set on every request that has none.
	UserAgent string
	// MaxResponseBytes bounds every response body; reading past it makes
	// Body.Read return an error wrapping ErrResponseTooLarge. Zero or
	// negative means DefaultMaxResponseBytes.
	MaxResponseBytes int64
}

// withDefaults returns o with zero fields replaced by their defaults.
func (o Options) withDefaults() Options {
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.DialTimeout <= 0 {
		o.DialTimeout = DefaultDialTimeout
	}
	if o.MaxResponseBytes <= 0 {
		o.MaxResponseBytes = DefaultMaxResponseBytes
	}
	return o
}

// NewClient returns an *http.Client for all of Herald's outbound HTTP. Unless
// opts.AllowPrivate is set, its dialer checks the resolved IP of every
// connection (so DNS rebinding and redirects to private hosts are refused with
// an error wrapping ErrPrivateAddress). It reuses keep-alive connections,
// allows HTTP/2, follows at most MaxRedirects redirects, sets opts.UserAgent on
// requests that have none and limits every response body to
// opts.MaxResponseBytes. It never uses a proxy: a proxy would make the dialer
// check the proxy's address instead of the destination's.
//
// The client is safe for concurrent use; callers must still check the
// response status and close the body.
func NewClient(opts Options) *http.Client {
	var refuse refuseFunc
	if !opts.AllowPrivate {
		refuse = refuseNonPublic
	}
	return newClient(opts, refuse)
}

// newClient builds the client with an explicit dial policy; refuse == nil
// allows every address. Tests use it to allow one loopback server and forbid
// another.
func newClient(opts Options, refuse refuseFunc) *http.Client {
	opts = opts.withDefaults()
	dialer := &net.Dialer{Timeout: opts.DialTimeout, KeepAlive: 30 * time.Second}
	if refuse != nil {
		dialer.ControlContext = dialControl(refuse)
	}
	base := &http.Transport{
		Proxy:                 nil,
		DialContext:           dialer.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          maxIdleConns,
		MaxIdleConnsPerHost:   16,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: opts.Timeout,
		ExpectContinueTimeout: time.Second,
	}
	return &http.Client{
		Transport: &transport{
			base:      base,
			userAgent: opts.UserAgent,
			maxBytes:  opts.MaxResponseBytes,
		},
		CheckRedirect: checkRedirect,
		Timeout:       opts.Timeout,
	}
}

// checkRedirect stops after MaxRedirects redirects. Each redirect dials anew
// (or reuses a connection the guard already approved), so the address check
// applies to every hop.
func checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= MaxRedirects {
		return fmt.Errorf("redirect to %s after %d redirects: %w", req.URL.Redacted(), len(via), ErrTooManyRedirects)
	}
	return nil
}

// transport sets the User-Agent and limits response bodies. It is safe for
// concurrent use because it holds no mutable state.
type transport struct {
	base      http.RoundTripper
	userAgent string
	maxBytes  int64
}

// RoundTrip implements http.RoundTripper. It does not modify req: when it
// must add a User-Agent it sends a shallow copy with its own header map.
func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.userAgent != "" && req.Header.Get("User-Agent") == "" {
		r := *req
		r.Header = req.Header.Clone()
		if r.Header == nil {
			r.Header = make(http.Header)
		}
		r.Header.Set("User-Agent", t.userAgent)
		req = &r
	}
	resp, err := t.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	resp.Body = newLimitedBody(resp.Body, t.maxBytes, resp.ContentLength)
	return resp, nil
}
