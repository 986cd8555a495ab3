package outbound

import (
	"fmt"
	"strings"
)

// HostOf returns the lowercased host[:port] of an absolute URL without
// parsing it fully: Herald limits its requests per host by this key, and
// the delivery dispatcher computes it for every queued job it looks at.
func HostOf(rawURL string) string {
	_, rest, ok := strings.Cut(rawURL, "://")
	if !ok {
		return rawURL
	}
	host, _, _ := strings.Cut(rest, "/")
	if i := strings.LastIndexByte(host, '@'); i >= 0 {
		host = host[i+1:]
	}
	return strings.ToLower(host)
}

// UserAgent names Herald and where it runs, so site owners can tell who
// polls them and whom to contact.
func UserAgent(version, baseURL string) string {
	return fmt.Sprintf("Herald/%s (+%s)", version, baseURL)
}
