// Package remotefollow finds where a visitor of an account's page follows
// it from their own server: the page of that server that asks them to
// authorize the follow ("authorize interaction"). It follows the remote
// follow flow of Mastodon and the servers that copy it: the visitor's
// WebFinger document carries a link with rel
// "http://ostatus.org/schema/1.0/subscribe" whose template has {uri} for
// the account to follow; without one, Mastodon's path
// /authorize_interaction?uri= is used. The target is always an https URL
// on the server the visitor named, so the lookup cannot be turned into an
// open redirect.
package remotefollow

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// SubscribeRel is the WebFinger link relation of the authorize-interaction
// template (OStatus' remote follow, kept by Mastodon and others).
const SubscribeRel = "http://ostatus.org/schema/1.0/subscribe"

// ErrBadInput is returned for input that names no server.
var ErrBadInput = errors.New("not a handle (you@example.social) or a server name (example.social)")

// Visitor is what a visitor typed, parsed: their server and, when they
// gave their handle, their user name there.
type Visitor struct {
	User, Server string
}

// Parse reads a handle ("@you@example.social", "you@example.social"), a
// server name ("example.social", with an optional port) or a server's URL
// ("https://example.social/"). It returns ErrBadInput for anything else.
func Parse(input string) (Visitor, error) {
	s := strings.TrimSpace(input)
	if rest, ok := strings.CutPrefix(strings.ToLower(s), "https://"); ok {
		s = strings.TrimSuffix(rest, "/")
	}
	s = strings.TrimPrefix(s, "@")
	var v Visitor
	if user, server, ok := strings.Cut(s, "@"); ok {
		if user == "" || strings.ContainsAny(user, "/?#:%\\ \t") {
			return Visitor{}, ErrBadInput
		}
		v.User, s = user, server
	}
	u, err := url.Parse("https://" + s)
	if s == "" || err != nil || u.Host != s || u.Hostname() == "" || strings.ContainsAny(s, "@%\\ \t") ||
		!strings.Contains(u.Hostname(), ".") && u.Hostname() != "localhost" {
		return Visitor{}, ErrBadInput
	}
	v.Server = strings.ToLower(s)
	return v, nil
}

// Target returns the URL on v's server where its user authorizes following
// acct ("acct:news@example.org"). With a user it asks the server's WebFinger
// (through client, bounded by ctx) for the subscribe template; a template
// that yields no https URL on v.Server, a failed lookup or a visitor
// without a user gives Mastodon's /authorize_interaction path on v.Server.
func Target(ctx context.Context, client *http.Client, v Visitor, acct string) string {
	fallback := "https://" + v.Server + "/authorize_interaction?uri=" + url.QueryEscape(acct)
	if v.User == "" {
		return fallback
	}
	tmpl, err := subscribeTemplate(ctx, client, v)
	if err != nil {
		return fallback
	}
	target := strings.ReplaceAll(tmpl, "{uri}", url.QueryEscape(acct))
	u, err := url.Parse(target)
	if err != nil || u.Scheme != "https" || !strings.EqualFold(u.Host, v.Server) || u.User != nil {
		return fallback
	}
	return u.String()
}

// subscribeTemplate fetches the WebFinger document of v and returns the
// template of its subscribe link.
func subscribeTemplate(ctx context.Context, client *http.Client, v Visitor) (string, error) {
	q := url.Values{"resource": {"acct:" + v.User + "@" + v.Server}}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "https://"+v.Server+"/.well-known/webfinger?"+q.Encode(), nil)
	if err != nil {
		return "", err
	}
	req.Header.Set("Accept", "application/jrd+json, application/json")
	resp, err := client.Do(req)
	if err != nil {
		return "", fmt.Errorf("webfinger %s: %w", v.Server, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("webfinger %s: HTTP %d", v.Server, resp.StatusCode)
	}
	var jrd struct {
		Links []struct {
			Rel      string `json:"rel"`
			Template string `json:"template"`
		} `json:"links"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&jrd); err != nil {
		return "", fmt.Errorf("webfinger %s: %w", v.Server, err)
	}
	for _, l := range jrd.Links {
		if l.Rel == SubscribeRel && strings.Contains(l.Template, "{uri}") {
			return l.Template, nil
		}
	}
	return "", fmt.Errorf("webfinger %s: no subscribe template", v.Server)
}
