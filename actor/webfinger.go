package actor

import (
	"net"
	"strings"
)

// JRDContentType is the media type of WebFinger answers (RFC 7033).
const JRDContentType = "application/jrd+json"

// jrd is a JSON Resource Descriptor.
type jrd struct {
	Subject string    `json:"subject"`
	Aliases []string  `json:"aliases,omitempty"`
	Links   []jrdLink `json:"links"`
}

type jrdLink struct {
	Rel  string `json:"rel"`
	Type string `json:"type,omitempty"`
	Href string `json:"href"`
}

// WebFinger renders the JRD for handle@host: its self link (the actor id,
// typed application/activity+json, which is what Mastodon follows) and its
// profile page (the website, when known).
func (u URLs) WebFinger(handle, host, siteURL string) ([]byte, error) {
	doc := jrd{
		Subject: "acct:" + handle + "@" + host,
		Aliases: []string{u.Actor(handle)},
		Links:   []jrdLink{{Rel: "self", Type: ContentType, Href: u.Actor(handle)}},
	}
	if siteURL != "" {
		doc.Links = append(doc.Links, jrdLink{Rel: "http://webfinger.net/rel/profile-page", Type: "text/html", Href: siteURL})
	}
	return encode(doc)
}

// InstanceWebFinger renders the JRD of the instance actor,
// acct:USERNAME@HOST with USERNAME = InstanceUsername(host) (the host, as
// Mastodon names its own, when it has no port). Peers that receive Herald's
// signed GETs look it up to file the key under an account.
func (u URLs) InstanceWebFinger(host string) ([]byte, error) {
	return encode(jrd{
		Subject: "acct:" + InstanceUsername(host) + "@" + host,
		Aliases: []string{u.InstanceActor()},
		Links:   []jrdLink{{Rel: "self", Type: ContentType, Href: u.InstanceActor()}},
	})
}

// InstanceUsername is the instance actor's preferredUsername: the host of
// base_url without its port. A user name may not hold a colon: GoToSocial
// looks the signer of a signed GET up by WebFinger of
// preferredUsername@host, and refuses a subject such as
// acct:127.0.0.1:8080@127.0.0.1:8080 as unparseable (so every signed GET).
// The colons of an IPv6 literal become dashes.
func InstanceUsername(host string) string {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	return strings.ReplaceAll(strings.Trim(host, "[]"), ":", "-")
}

// IsInstanceResource reports whether a WebFinger resource names the
// instance actor: its URL, or the subject InstanceWebFinger(host)
// advertises, acct:InstanceUsername(host)@HOST (port kept in the domain),
// case-insensitively, with or without "acct:". acct:HOST@HOST, the subject
// of Herald versions that put the port in the user name too, still answers.
func (u URLs) IsInstanceResource(resource, host string) bool {
	if resource == u.InstanceActor() {
		return true
	}
	acct := strings.TrimPrefix(resource, "acct:")
	return strings.EqualFold(acct, InstanceUsername(host)+"@"+host) || strings.EqualFold(acct, host+"@"+host)
}

// ParseResource extracts the handle from a WebFinger resource: "acct:news@host",
// "news@host", "@news@host" or the actor URL. ok is false when the resource is not one of
// this server's (another host, another shape). The handle is lowercased:
// handles are case-insensitive.
func (u URLs) ParseResource(resource, host string) (handle string, ok bool) {
	if rest, found := strings.CutPrefix(resource, u.Base+"/users/"); found && rest != "" && !strings.Contains(rest, "/") {
		return strings.ToLower(rest), true
	}
	resource = strings.TrimPrefix(strings.TrimPrefix(resource, "acct:"), "@")
	user, domain, found := strings.Cut(resource, "@")
	if !found || user == "" || strings.ContainsAny(user, ":/?#") || !strings.EqualFold(domain, host) {
		return "", false
	}
	return strings.ToLower(user), true
}
