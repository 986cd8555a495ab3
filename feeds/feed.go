// Package feeds fetches and parses a website's RSS, Atom or JSON feed into one
// normalised shape, and tells which items followers have not seen yet.
//
// Parse and Diff are pure functions; Fetcher adds conditional GET, a body
// limit and a per-fetch timeout on top of an *http.Client supplied by the
// caller. Nothing in this package logs: every failure is returned as an error
// that names the URL and the reason.
package feeds

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"
)

// ErrNotAFeed is returned (wrapped, with a reason) when a document is not a
// feed at all: an HTML page, an empty body, a JSON document that is not a JSON
// Feed, or anything else the parser cannot recognise as RSS, RDF or Atom.
var ErrNotAFeed = errors.New("not a feed")

// ErrHTMLPage is the ErrNotAFeed returned for an HTML page: perhaps a
// website whose feed Fetcher.Discover can find.
var ErrHTMLPage = fmt.Errorf("%w: got an HTML page", ErrNotAFeed)

// Feed is a parsed feed, normalised.
type Feed struct {
	// Title is plain text: tags stripped, entities decoded, whitespace collapsed.
	Title string
	// Description is plain text, like Title.
	Description string
	// SiteURL is the website the feed belongs to (RSS channel <link>, Atom
	// link rel=alternate, JSON Feed home_page_url), absolute; "" if none.
	SiteURL string
	// Language is the feed's language tag as given (e.g. "nl-NL"); "" if none.
	Language string
	// ImageURL is the feed image, icon or logo, absolute; "" if none.
	ImageURL string
	// Items are the entries, oldest first: sorted by Published, and items with
	// equal Published times in reverse document order, because feeds list
	// their newest entry first.
	Items []Item
	// Hub is the WebSub hub the document advertises (rel="hub"), absolute;
	// "" if none. The HTTP Link header may name one too (Result.Links).
	Hub string
	// Problems describe what is odd about the feed but does not stop it
	// from being used, one short sentence each: no items, items sharing a
	// key (only the first counts), items without a link or a date.
	Problems []string
}

// Item is one entry of a feed, normalised.
type Item struct {
	// Key is the item's stable identity: the guid/id, else the link, else
	// "sha256:" and the hex SHA-256 of title, content and published time.
	// Guids and links are normalised so that a post keeps one identity when
	// its guid changes shape slightly: spaces are trimmed and, for URLs, the
	// scheme and host are lowercased and a default port (:80 for http, :443
	// for https) is dropped; path, query and fragment are kept as they are
	// (WordPress guids look like "http://example.org/?p=4"), and http is not
	// turned into https.
	Key string
	// Title is plain text: tags stripped, HTML entities decoded (also inside
	// CDATA, where WordPress writes &#8217; and &#8230;), whitespace collapsed.
	Title string
	// Link is the absolute http(s) URL of the article, resolved against the
	// feed URL; "" if the feed gives none or gives another scheme.
	Link string
	// Summary is the HTML of the excerpt or description; "" if none. It is
	// not sanitised: entities are left for an HTML renderer to decode.
	Summary string
	// Content is the HTML of the full content (content:encoded, Atom content,
	// JSON Feed content_html; content_text is escaped into HTML); "" if none.
	// It is not sanitised.
	Content string
	// Author is the author's name as plain text, falling back to the feed's
	// author (as RFC 4287 section 4.2.1 says for Atom); "" if none.
	Author string
	// Categories are the item's categories and tags: trimmed, entities
	// decoded, deduplicated, in document order.
	Categories []string
	// ImageURL is an enclosure or media image (JPEG, PNG, GIF or WebP),
	// absolute; "" if none. Images inside Content are not considered.
	ImageURL string
	// Published is in UTC; it falls back to Updated, else it is zero.
	Published time.Time
	// Updated is in UTC; zero if the feed gives none (WordPress RSS never
	// does; its Atom feed does).
	Updated time.Time
	// Images are the item's pictures with what the WordPress REST API
	// tells about them (the featured image: alt text, size, type); nil
	// without enrichment, when ImageURL is all there is.
	Images []Image
	// Tags are the item's tags when the REST API tells them apart from
	// its categories (then Categories holds only the categories).
	Tags []string
	// Modified is the last modification time the REST API gives, in UTC;
	// zero without enrichment.
	Modified time.Time
	// Enriched is true when the WordPress REST API filled in the fields
	// above (and the content, author and categories). Its Hash then has the
	// prefix "wp:", so that an enriched item is only ever compared with an
	// enriched version of itself.
	Enriched bool
	// Hash is the hex SHA-256 of what a reader sees: Title, Link, Summary,
	// Content, Categories and ImageURL, each length-prefixed so that field
	// boundaries count. Dates and Key are not part of it, so a new Updated
	// time alone is not an edit. Changing how it is computed makes every
	// known item look Edited once.
	Hash string
}

// Image is a picture of an item.
type Image struct {
	// URL is absolute http(s); MediaType e.g. "image/jpeg", "" if unknown.
	URL, MediaType string
	// Alt is the alternative text, "" if none.
	Alt string
	// Width and Height are in pixels, 0 if unknown.
	Width, Height int
}

// Parse parses an RSS 2.0, RSS 1.0/RDF, Atom or JSON Feed document. feedURL
// is used to resolve relative links and may be "".
//
// It returns ErrNotAFeed (wrapped, with a reason) for HTML pages, empty
// bodies and anything that is not recognisably a feed, and another wrapped
// error for malformed feeds. It never panics: a panic inside the underlying
// parser is recovered and returned as an error, because feed bodies come from
// arbitrary servers. Parse is safe for concurrent use.
func Parse(body []byte, feedURL string) (*Feed, error) {
	f, err := parse(body, feedURL)
	if err != nil {
		return nil, fmt.Errorf("parse feed %s: %w", feedURL, err)
	}
	return f, nil
}

// parse is Parse without the URL in its errors, so that Fetch can name the
// URL once.
func parse(body []byte, feedURL string) (*Feed, error) {
	if err := precheck(body); err != nil {
		return nil, err
	}
	gf, err := runParser(body)
	if err != nil {
		return nil, err
	}
	return normalise(gf, feedURL), nil
}

// precheck rejects bodies that cannot be a feed before the parser sees them,
// with a reason a person can act on.
func precheck(body []byte) error {
	trimmed := bytes.TrimLeft(body, " \t\r\n\ufeff")
	switch {
	case len(trimmed) == 0:
		return fmt.Errorf("%w: empty body", ErrNotAFeed)
	case trimmed[0] == '{':
		return checkJSONFeed(trimmed)
	}
	return nil
}

// checkJSONFeed tells a JSON Feed from other JSON objects (such as a REST
// API answer): the version field is required by JSON Feed 1.0 and 1.1 and is
// the URL of the version of the format.
func checkJSONFeed(body []byte) error {
	if !json.Valid(body) {
		return errors.New("malformed JSON")
	}
	var head struct {
		Version any `json:"version"`
	}
	if err := json.Unmarshal(body, &head); err != nil {
		return fmt.Errorf("malformed JSON: %w", err)
	}
	version, _ := head.Version.(string)
	if !strings.Contains(version, "jsonfeed.org/version/") {
		return fmt.Errorf("%w: JSON document is not a JSON Feed (no jsonfeed.org version)", ErrNotAFeed)
	}
	return nil
}

// runParser runs gofeed on body. A panic inside gofeed is recovered and
// returned as an error: the input is untrusted and one bad feed must not take
// the process down.
func runParser(body []byte) (gf *gofeed.Feed, err error) {
	defer func() {
		if r := recover(); r != nil {
			gf, err = nil, fmt.Errorf("feed parser failed on this input: %v", r)
		}
	}()
	p := gofeed.NewParser()
	p.KeepOriginalFeed = true
	// Item images are taken from enclosures and media elements only; an
	// inline <img> is already part of Content.
	p.RSSTranslator = &gofeed.DefaultRSSTranslator{DisableContentImageScan: true}
	gf, err = p.Parse(bytes.NewReader(body))
	if errors.Is(err, gofeed.ErrFeedTypeNotDetected) {
		return nil, notAFeedReason(body)
	}
	if err != nil {
		return nil, fmt.Errorf("malformed feed: %w", err)
	}
	return gf, nil
}

// notAFeedReason explains why body was not recognised.
func notAFeedReason(body []byte) error {
	ct := http.DetectContentType(body)
	if strings.HasPrefix(ct, "text/html") || looksLikeHTML(body) {
		return ErrHTMLPage
	}
	return fmt.Errorf("%w: unrecognised format (sniffed as %s)", ErrNotAFeed, ct)
}

// looksLikeHTML catches XHTML pages, which start with an XML declaration and
// so are sniffed as text/xml.
func looksLikeHTML(body []byte) bool {
	head := body
	if len(head) > 1024 {
		head = head[:1024]
	}
	lower := bytes.ToLower(head)
	return bytes.Contains(lower, []byte("<!doctype html")) || bytes.Contains(lower, []byte("<html"))
}

// normalise turns gofeed's universal feed into a Feed.
func normalise(gf *gofeed.Feed, feedURL string) *Feed {
	base := parseBase(feedURL)
	f := &Feed{
		Title:       plainText(gf.Title),
		Description: plainText(gf.Description),
		SiteURL:     resolveHTTP(base, gf.Link),
		Language:    strings.TrimSpace(gf.Language),
	}
	if gf.Image != nil {
		f.ImageURL = resolveHTTP(base, gf.Image.URL)
	}
	feedAuthor := personName(gf.Author, gf.Authors)
	orig := originalItems(gf)
	f.Items = make([]Item, 0, len(gf.Items))
	for i, gi := range gf.Items {
		if gi == nil {
			continue
		}
		f.Items = append(f.Items, newItem(gi, orig.at(i), base, feedAuthor))
	}
	sortOldestFirst(f.Items)
	f.Problems = problems(f.Items)
	f.Hub = feedHub(gf, feedURL)
	return f
}

// problems lists what is odd about items (see Feed.Problems).
func problems(items []Item) []string {
	if len(items) == 0 {
		return []string{"the feed has no items"}
	}
	var dup, noLink, noDate int
	keys := make(map[string]bool, len(items))
	for _, it := range items {
		if keys[it.Key] {
			dup++
		}
		keys[it.Key] = true
		if it.Link == "" {
			noLink++
		}
		if it.Published.IsZero() {
			noDate++
		}
	}
	var out []string
	add := func(n int, what string) {
		if n > 0 {
			out = append(out, fmt.Sprintf("%d of %d items %s", n, len(items), what))
		}
	}
	add(dup, "repeat the guid of another item (only the first is used)")
	add(noLink, "have no link")
	add(noDate, "have no date (the time Herald first saw them is used)")
	return out
}

// sortOldestFirst orders items by Published, and items with equal times
// (including none at all) in reverse document order: feeds list their newest
// entry first, so reversing before a stable sort keeps ties oldest first.
func sortOldestFirst(items []Item) {
	slices.Reverse(items)
	slices.SortStableFunc(items, func(a, b Item) int {
		return a.Published.Compare(b.Published)
	})
}
