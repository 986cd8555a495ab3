package feeds

import (
	"strings"

	"github.com/mmcdole/gofeed"
	"github.com/mmcdole/gofeed/atom"
	"github.com/mmcdole/gofeed/rss"
)

// feedHub returns the WebSub hub a feed document advertises with
// rel="hub": an atom:link in RSS, a link in Atom; "" if none.
func feedHub(gf *gofeed.Feed, feedURL string) string {
	base := parseBase(feedURL)
	switch src := gf.OriginalFeed().(type) {
	case *rss.Feed:
		for _, e := range src.Extensions["atom"]["link"] {
			if hasRel(e.Attrs["rel"], "hub") {
				if u := resolveHTTP(base, e.Attrs["href"]); u != "" {
					return u
				}
			}
		}
	case *atom.Feed:
		for _, l := range src.Links {
			if l != nil && hasRel(l.Rel, "hub") {
				if u := resolveHTTP(base, l.Href); u != "" {
					return u
				}
			}
		}
	}
	return ""
}

// hasRel reports whether the rel attribute value lists want.
func hasRel(rel, want string) bool {
	for _, r := range strings.Fields(strings.ToLower(rel)) {
		if r == want {
			return true
		}
	}
	return false
}
