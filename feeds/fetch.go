package feeds

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"herald/outbound"
)

// Defaults for a Fetcher whose Timeout or MaxBytes is zero.
const (
	defaultTimeout  = 30 * time.Second
	defaultMaxBytes = 10 << 20
)

// acceptHeader prefers feed types and still accepts anything, since many
// servers send feeds as text/xml or text/html.
const acceptHeader = "application/rss+xml, application/atom+xml, application/feed+json, " +
	"application/xml;q=0.9, */*;q=0.8"

// ErrTooLarge is returned (wrapped, with the limit) when a feed body is
// larger than Fetcher.MaxBytes.
var ErrTooLarge = errors.New("feed body too large")

// Validators are the conditional-GET validators (RFC 9110 section 8.8)
// remembered from the last 200 answer.
type Validators struct {
	// ETag is the entity tag, as the server sent it (quotes and W/ kept).
	ETag string
	// LastModified is the Last-Modified header, as the server sent it.
	LastModified string
}

// Result is the outcome of one fetch.
type Result struct {
	// Feed is the parsed feed; nil when NotModified.
	Feed *Feed
	// NotModified is true when the server answered 304 Not Modified.
	NotModified bool
	// Validators are from this response; on a 304, the ones sent, each
	// replaced if the server sent a new one.
	Validators Validators
	// URL is the URL finally fetched, after redirects.
	URL string
	// MovedTo is URL when every redirect followed was permanent (301 or
	// 308): the address to fetch from now on. "" otherwise.
	MovedTo string
	// Links are the relations of the HTTP Link header (lowercased) with
	// their first URL, such as RelWordPressAPI and "hub".
	Links map[string]string
}

// HTTPError is an answer other than 2xx or 304.
type HTTPError struct {
	// URL is the URL that answered (after redirects).
	URL string
	// StatusCode is the HTTP status code.
	StatusCode int
	// RetryAfter is parsed from a Retry-After header given in seconds or as
	// an HTTP-date (RFC 9110 section 10.2.3); 0 if none.
	RetryAfter time.Duration
}

// Error returns e.g. "GET https://x/feed: HTTP 404 Not Found".
func (e *HTTPError) Error() string {
	msg := fmt.Sprintf("GET %s: HTTP %d %s", e.URL, e.StatusCode, http.StatusText(e.StatusCode))
	msg = strings.TrimSpace(msg)
	if e.RetryAfter > 0 {
		msg += fmt.Sprintf(" (retry after %s)", e.RetryAfter)
	}
	return msg
}

// Fetcher fetches feeds over HTTP. The Client is supplied by the caller and
// already carries timeouts, an SSRF guard, a User-Agent and a response size
// limit; Fetcher adds what is feed-specific. A Fetcher is safe for concurrent
// use if its Client is.
type Fetcher struct {
	// Client sends the requests; it must not be nil. Fetch does not fall
	// back to http.DefaultClient, which would bypass the caller's SSRF guard.
	Client *http.Client
	// UserAgent is sent as User-Agent if non-empty.
	UserAgent string
	// Timeout bounds one fetch, body included, via the request context;
	// 0 means 30s.
	Timeout time.Duration
	// MaxBytes limits the body; 0 means 10 MiB. A larger body is an
	// error wrapping ErrTooLarge.
	MaxBytes int64
}

// Fetch GETs rawURL with If-None-Match and If-Modified-Since from v and an
// Accept header listing feed types, and parses the body. It returns a Result
// with NotModified set for a 304, an *HTTPError for other non-2xx answers,
// an error wrapping ErrNotAFeed when the body is not a feed (such as an HTML
// page), and an error wrapping ErrTooLarge past MaxBytes. Every error names
// the URL. Content-Encoding (gzip) is handled by net/http, because Fetch does
// not set Accept-Encoding itself.
func (f *Fetcher) Fetch(ctx context.Context, rawURL string, v Validators) (*Result, error) {
	if f.Client == nil {
		return nil, fmt.Errorf("fetch %s: feeds.Fetcher has no Client", rawURL)
	}
	ctx, cancel, timeout := f.withTimeout(ctx)
	defer cancel()

	req, err := f.newRequest(ctx, rawURL, v)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", rawURL, err)
	}
	var hops redirects
	resp, err := hops.follow(f.Client).Do(req)
	if err != nil {
		return nil, fetchError(ctx, rawURL, timeout, err)
	}
	defer resp.Body.Close()
	if he := statusError(resp); he != nil {
		return nil, he // its message names the URL already
	}
	res, err := f.handle(resp, v)
	if err != nil {
		return nil, fetchError(ctx, rawURL, timeout, err)
	}
	res.MovedTo = hops.movedTo(res.URL)
	res.Links = LinkHeader(resp.Header, res.URL)
	return res, nil
}

// finalURL is the URL that answered, after redirects.
func finalURL(resp *http.Response) string {
	if resp.Request == nil || resp.Request.URL == nil {
		return ""
	}
	return resp.Request.URL.String()
}

// errTimeout is the cause of the per-fetch context when Timeout runs out.
var errTimeout = errors.New("feed fetch timeout")

// withTimeout bounds ctx by f.Timeout (defaultTimeout when unset); a request
// cut by it has errTimeout as its cause (see fetchError). It returns the
// timeout for error messages.
func (f *Fetcher) withTimeout(ctx context.Context) (context.Context, context.CancelFunc, time.Duration) {
	timeout := f.Timeout
	if timeout <= 0 {
		timeout = defaultTimeout
	}
	ctx, cancel := context.WithTimeoutCause(ctx, timeout, errTimeout)
	return ctx, cancel, timeout
}

// newRequest builds the conditional GET.
func (f *Fetcher) newRequest(ctx context.Context, rawURL string, v Validators) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", acceptHeader)
	if f.UserAgent != "" {
		req.Header.Set("User-Agent", f.UserAgent)
	}
	if v.ETag != "" {
		req.Header.Set("If-None-Match", v.ETag)
	}
	if v.LastModified != "" {
		req.Header.Set("If-Modified-Since", v.LastModified)
	}
	return req, nil
}

// statusError returns an *HTTPError for an answer other than 2xx or 304,
// and nil otherwise.
func statusError(resp *http.Response) *HTTPError {
	if resp.StatusCode == http.StatusNotModified || (resp.StatusCode >= 200 && resp.StatusCode <= 299) {
		return nil
	}
	// Drain a little so that the connection can be reused.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4<<10))
	return &HTTPError{
		URL:        finalURL(resp),
		StatusCode: resp.StatusCode,
		RetryAfter: outbound.RetryAfter(resp.Header, time.Now()),
	}
}

// handle turns a 2xx or 304 response into a Result or an error. Its errors
// do not name the requested URL; Fetch adds it.
func (f *Fetcher) handle(resp *http.Response, sent Validators) (*Result, error) {
	final := finalURL(resp)
	got := Validators{ETag: resp.Header.Get("ETag"), LastModified: resp.Header.Get("Last-Modified")}
	if resp.StatusCode == http.StatusNotModified {
		if got.ETag == "" {
			got.ETag = sent.ETag
		}
		if got.LastModified == "" {
			got.LastModified = sent.LastModified
		}
		return &Result{NotModified: true, Validators: got, URL: final}, nil
	}
	body, err := f.readBody(resp)
	if err != nil {
		return nil, err
	}
	feed, err := parse(body, final)
	if err != nil {
		if ct := resp.Header.Get("Content-Type"); ct != "" && errors.Is(err, ErrNotAFeed) {
			return nil, fmt.Errorf("%w (Content-Type %s)", err, ct)
		}
		return nil, err
	}
	return &Result{Feed: feed, Validators: got, URL: final}, nil
}

// readBody reads at most MaxBytes of the body and fails if there is more.
func (f *Fetcher) readBody(resp *http.Response) ([]byte, error) {
	limit := f.MaxBytes
	if limit <= 0 {
		limit = defaultMaxBytes
	}
	if resp.ContentLength > limit {
		return nil, fmt.Errorf("%w: Content-Length %d exceeds the limit of %d bytes", ErrTooLarge, resp.ContentLength, limit)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read body: %w", err)
	}
	if int64(len(body)) > limit {
		return nil, fmt.Errorf("%w: body exceeds the limit of %d bytes", ErrTooLarge, limit)
	}
	return body, nil
}

// fetchError names the URL and, when the per-fetch timeout ran out, says so
// instead of the transport's wording. It keeps context.DeadlineExceeded in
// the chain for callers that classify errors.
func fetchError(ctx context.Context, rawURL string, timeout time.Duration, err error) error {
	if errors.Is(context.Cause(ctx), errTimeout) {
		return fmt.Errorf("fetch %s: timeout after %s: %w", rawURL, timeout, context.DeadlineExceeded)
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err // it repeats the method and URL
	}
	return fmt.Errorf("fetch %s: %w", rawURL, err)
}
