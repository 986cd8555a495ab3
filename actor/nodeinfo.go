package actor

import "fmt"

// NodeInfo schema URLs (https://nodeinfo.diaspora.software/protocol).
const (
	nodeInfo20Schema = "http://nodeinfo.diaspora.software/ns/schema/2.0"
	nodeInfo21Schema = "http://nodeinfo.diaspora.software/ns/schema/2.1"
)

// SoftwareName is how Herald names itself in NodeInfo (must match ^[a-z0-9-]+$).
const SoftwareName = "herald"

// Usage holds the numbers NodeInfo reports.
type Usage struct {
	// Users is the number of accounts (feeds) served.
	Users int
	// LocalPosts is the number of posts made.
	LocalPosts int
}

// NodeInfoIndex renders /.well-known/nodeinfo: links to both schema versions.
func (u URLs) NodeInfoIndex() ([]byte, error) {
	return encode(map[string]any{"links": []jrdLink{
		{Rel: nodeInfo20Schema, Href: u.Base + "/nodeinfo/2.0"},
		{Rel: nodeInfo21Schema, Href: u.Base + "/nodeinfo/2.1"},
	}})
}

// NodeInfoContentType returns the media type of a NodeInfo document of version.
func NodeInfoContentType(version string) string {
	return fmt.Sprintf(`application/json; profile="http://nodeinfo.diaspora.software/ns/schema/%s#"`, version)
}

// NodeInfo renders the NodeInfo document of version "2.0" or "2.1". Every
// account is a feed that posts, so all users count as active. Feeds are what
// Herald reads from (services.inbound, "the third party sites this server can
// retrieve messages from"); it publishes to none.
func NodeInfo(version, softwareVersion string, usage Usage) ([]byte, error) {
	software := map[string]any{"name": SoftwareName, "version": softwareVersion}
	if version != "2.0" && version != "2.1" {
		return nil, fmt.Errorf("nodeinfo: unknown version %q", version)
	}
	users := map[string]int{"total": usage.Users, "activeMonth": usage.Users, "activeHalfyear": usage.Users}
	return encode(map[string]any{
		"version":           version,
		"software":          software,
		"protocols":         []string{"activitypub"},
		"services":          map[string][]string{"inbound": {"atom1.0", "rss2.0"}, "outbound": {}},
		"openRegistrations": false,
		"usage":             map[string]any{"users": users, "localPosts": usage.LocalPosts},
		"metadata":          map[string]any{},
	})
}
