package actor

import (
	"fmt"
	"strings"
)

// NodeInfo schema URLs (https://nodeinfo.diaspora.software/protocol).
const (
	nodeInfo20Schema = "http://nodeinfo.diaspora.software/ns/schema/2.0"
	nodeInfo21Schema = "http://nodeinfo.diaspora.software/ns/schema/2.1"
)

// SoftwareName is how Herald names itself in NodeInfo (must match ^[a-z0-9-]+$).
const SoftwareName = "herald"

// MastodonAPIVersion is the version of Mastodon whose client API Herald
// speaks for its accounts (package clientapi): /api/v1/instance reports
// it, and NodeInfo names it as the upstream, as Mastodon's forks do, so
// that apps which tell servers apart by NodeInfo (those built on
// megalodon: Whalebird, Fedistar) sign in to Herald as to a Mastodon.
const MastodonAPIVersion = "4.3.0"

// Usage holds the numbers NodeInfo reports.
type Usage struct {
	// Users is the number of accounts (feeds) served.
	Users int
	// LocalPosts is the number of posts made.
	LocalPosts int
}

// Operator is who runs the server, as NodeInfo's metadata names it.
type Operator struct {
	// Name is the organisation ("" for none: nodeName is then the host).
	Name string
	// Email and URL are its contact; either may be "".
	Email, URL string
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

// NodeInfo renders the NodeInfo document of version "2.0" or "2.1" for the
// server at u. Its metadata, free-form in the schema, uses the keys Misskey
// publishes and crawlers read (nodeName, nodeAdmins and maintainer,
// inquiryUrl, privacyPolicyUrl) and names the minimum-age policy the same
// way (minimumAgePolicyUrl, which no server defines yet), with the server
// page as nodeDescription's link (aboutUrl), and Mastodon as its
// upstream (MastodonAPIVersion). Every
// account is a feed that posts, so all users count as active. Feeds are what
// Herald reads from (services.inbound, "the third party sites this server can
// retrieve messages from"); it publishes to none.
func (u URLs) NodeInfo(version, softwareVersion string, usage Usage, op Operator) ([]byte, error) {
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
		"metadata":          u.nodeMetadata(op),
	})
}

// nodeMetadata returns NodeInfo's metadata: the operator and the policies.
func (u URLs) nodeMetadata(op Operator) map[string]any {
	name := op.Name
	if name == "" {
		name = strings.TrimPrefix(strings.TrimPrefix(u.Base, "https://"), "http://")
	}
	meta := map[string]any{
		"upstream":            map[string]string{"name": "mastodon", "version": MastodonAPIVersion},
		"nodeName":            name,
		"aboutUrl":            u.About(),
		"privacyPolicyUrl":    u.PrivacyPolicy(),
		"minimumAgePolicyUrl": u.MinimumAgePolicy(),
	}
	if op.Name != "" || op.Email != "" {
		admin := map[string]string{"name": op.Name, "email": op.Email}
		meta["nodeAdmins"] = []map[string]string{admin}
		meta["maintainer"] = admin
	}
	if op.URL != "" {
		meta["inquiryUrl"] = op.URL
	}
	return meta
}
