package actor

import (
	"net/url"
	"strings"
)

// SameHost reports whether two URLs have the same host (and port). A remote
// document is trusted only for ids on the host it came from.
func SameHost(a, b string) bool {
	ua, errA := url.Parse(a)
	ub, errB := url.Parse(b)
	return errA == nil && errB == nil && ua.Host != "" && strings.EqualFold(ua.Host, ub.Host)
}

// WithoutFragment returns iri without its #fragment: the document a key id
// such as https://example.org/users/a#main-key lives in.
func WithoutFragment(iri string) string {
	before, _, _ := strings.Cut(iri, "#")
	return before
}

// Domain returns the lowercased host name (no port) of a URL, "" if none.
func Domain(id string) string {
	u, err := url.Parse(id)
	if err != nil {
		return ""
	}
	return strings.ToLower(u.Hostname())
}
