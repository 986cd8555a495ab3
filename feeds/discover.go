package feeds

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"golang.org/x/net/html"
)

// RelWordPressAPI is the link relation of the WordPress REST API root.
const RelWordPressAPI = "https://api.w.org/"

// Discovery is what a web page says about its feeds and APIs.
type Discovery struct {
	// Feed is the preferred feed: the first RSS feed the page links to
	// with rel="alternate", else the first Atom feed, else the first JSON
	// Feed; "" if none.
	Feed string
	// Feeds are all the alternate feeds, in page order.
	Feeds []string
	// ByFormat is the first feed of each format the page links to, keyed
	// "rss", "atom" and "json".
	ByFormat map[string]string
	// API is the WordPress REST API root (rel="https://api.w.org/" in a
	// <link> or the HTTP Link header), "" if none.
	API string
	// Hub is a WebSub hub (rel="hub"), "" if none.
	Hub string
}

// feedTypes ranks the alternate types Herald reads, preferred first;
// feedFormats names them in the same order.
var (
	feedTypes   = []string{"application/rss+xml", "application/atom+xml", "application/feed+json"}
	feedFormats = []string{"rss", "atom", "json"}
)

// Preferred returns the page's first feed of format ("rss", "atom" or
// "json"), or Feed when format is "" or the page has no feed of it.
func (d Discovery) Preferred(format string) string {
	if href := d.ByFormat[format]; href != "" {
		return href
	}
	return d.Feed
}

// DiscoverHTML reads the <link> elements of an HTML page (relative URLs
// resolved against pageURL) and the page's HTTP Link header.
func DiscoverHTML(body []byte, pageURL string, header http.Header) Discovery {
	base := parseBase(pageURL)
	links := LinkHeader(header, pageURL)
	d := Discovery{API: links[RelWordPressAPI], Hub: links["hub"], ByFormat: map[string]string{}}
	best := len(feedTypes)
	z := html.NewTokenizer(bytes.NewReader(body))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return d
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		name, hasAttr := z.TagName()
		if string(name) == "body" {
			return d
		}
		if string(name) != "link" || !hasAttr {
			continue
		}
		attrs := tagAttrs(z)
		href := resolveHTTP(base, attrs["href"])
		if href == "" {
			continue
		}
		for _, rel := range strings.Fields(strings.ToLower(attrs["rel"])) {
			switch rel {
			case "alternate":
				rank := typeRank(attrs["type"])
				if rank < len(feedTypes) {
					d.Feeds = append(d.Feeds, href)
					if d.ByFormat[feedFormats[rank]] == "" {
						d.ByFormat[feedFormats[rank]] = href
					}
					if rank < best {
						best, d.Feed = rank, href
					}
				}
			case RelWordPressAPI:
				if d.API == "" {
					d.API = href
				}
			case "hub":
				if d.Hub == "" {
					d.Hub = href
				}
			}
		}
	}
}

// typeRank is the place of t in feedTypes (len(feedTypes) if absent).
func typeRank(t string) int {
	t = strings.ToLower(strings.TrimSpace(strings.SplitN(t, ";", 2)[0]))
	for i, ft := range feedTypes {
		if t == ft {
			return i
		}
	}
	return len(feedTypes)
}

// tagAttrs returns the current tag's attributes, keys lowercased.
func tagAttrs(z *html.Tokenizer) map[string]string {
	out := map[string]string{}
	for {
		k, v, more := z.TagAttr()
		out[strings.ToLower(string(k))] = string(v)
		if !more {
			return out
		}
	}
}

// LinkHeader parses HTTP Link headers (RFC 8288) into the first URL of
// each relation, resolved against base; relations are lowercased.
func LinkHeader(h http.Header, base string) map[string]string {
	out := map[string]string{}
	b := parseBase(base)
	for _, line := range h.Values("Link") {
		for _, part := range splitLinks(line) {
			start, end := strings.IndexByte(part, '<'), strings.IndexByte(part, '>')
			if start < 0 || end < start {
				continue
			}
			href := resolveHTTP(b, part[start+1:end])
			for _, param := range strings.Split(part[end+1:], ";") {
				k, v, ok := strings.Cut(strings.TrimSpace(param), "=")
				if !ok || !strings.EqualFold(strings.TrimSpace(k), "rel") || href == "" {
					continue
				}
				for _, rel := range strings.Fields(strings.ToLower(strings.Trim(strings.TrimSpace(v), `"`))) {
					if _, dup := out[rel]; !dup {
						out[rel] = href
					}
				}
			}
		}
	}
	return out
}

// splitLinks splits a Link header value at the commas between links (not
// those inside <...> or quotes).
func splitLinks(s string) []string {
	var out []string
	depth, quoted, start := 0, false, 0
	for i, c := range s {
		switch {
		case c == '"':
			quoted = !quoted
		case c == '<' && !quoted:
			depth++
		case c == '>' && !quoted && depth > 0:
			depth--
		case c == ',' && !quoted && depth == 0:
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

// Discover GETs pageURL, a website's page, and reads what it links to. The
// page body is read up to 2 MiB (the <head> is at its start).
func (f *Fetcher) Discover(ctx context.Context, pageURL string) (Discovery, error) {
	if f.Client == nil {
		return Discovery{}, fmt.Errorf("discover %s: feeds.Fetcher has no Client", pageURL)
	}
	ctx, cancel, timeout := f.withTimeout(ctx)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, pageURL, nil)
	if err != nil {
		return Discovery{}, fmt.Errorf("discover %s: %w", pageURL, err)
	}
	req.Header.Set("Accept", "text/html, application/xhtml+xml;q=0.9, */*;q=0.5")
	if f.UserAgent != "" {
		req.Header.Set("User-Agent", f.UserAgent)
	}
	resp, err := f.Client.Do(req)
	if err != nil {
		return Discovery{}, fetchError(ctx, pageURL, timeout, err)
	}
	defer resp.Body.Close()
	if he := statusError(resp); he != nil {
		return Discovery{}, he
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, 2<<20))
	if err != nil {
		return Discovery{}, fetchError(ctx, pageURL, timeout, err)
	}
	final := finalURL(resp)
	if _, err := url.Parse(final); err != nil || final == "" {
		final = pageURL
	}
	return DiscoverHTML(body, final, resp.Header), nil
}
