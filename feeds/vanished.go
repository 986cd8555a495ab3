package feeds

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"time"
)

// Vanished returns the keys of known items (key → published time) that the
// feed no longer lists although its window still covers their date: they
// are dated no earlier than the oldest dated item of items. An item that
// merely scrolled out of the window is older than that and is not
// returned. A feed without dated items covers nothing. The keys come newest
// first, ties in key order.
func Vanished(known map[string]time.Time, items []Item) []string {
	var oldest time.Time
	listed := make(map[string]bool, len(items))
	for _, it := range items {
		listed[it.Key] = true
		if !it.Published.IsZero() && (oldest.IsZero() || it.Published.Before(oldest)) {
			oldest = it.Published
		}
	}
	if oldest.IsZero() {
		return nil
	}
	var out []string
	for key, published := range known {
		if !listed[key] && !published.Before(oldest) {
			out = append(out, key)
		}
	}
	slices.SortFunc(out, func(a, b string) int {
		if c := known[b].Compare(known[a]); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	return out
}

// Gone GETs link, the page of an item that vanished from its feed, and
// reports whether the site says it is gone: 404 Not Found or 410 Gone
// (after redirects). Any 2xx or 3xx answer means the page stands; other
// answers and transport failures are errors, and the caller asks again
// later rather than deleting a post on a hiccup.
func (f *Fetcher) Gone(ctx context.Context, link string) (bool, error) {
	if f.Client == nil {
		return false, fmt.Errorf("check %s: feeds.Fetcher has no Client", link)
	}
	ctx, cancel, timeout := f.withTimeout(ctx)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, link, nil)
	if err != nil {
		return false, fmt.Errorf("check %s: %w", link, err)
	}
	if f.UserAgent != "" {
		req.Header.Set("User-Agent", f.UserAgent)
	}
	resp, err := f.Client.Do(req)
	if err != nil {
		return false, fetchError(ctx, link, timeout, err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	switch {
	case resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone:
		return true, nil
	case resp.StatusCode < 400:
		return false, nil
	}
	return false, &HTTPError{URL: finalURL(resp), StatusCode: resp.StatusCode}
}
