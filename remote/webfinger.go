package remote

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"herald/store"
)

// maxJRD bounds the size of a WebFinger answer.
const maxJRD = 256 << 10

// ErrNoAccount marks an account that WebFinger does not know (or that
// names no ActivityPub actor).
var ErrNoAccount = errors.New("no such account")

// Lookup finds the account acct (user@domain) as Mastodon's
// ResolveAccountService does: WebFinger at https://DOMAIN (RFC 7033) for
// its self link of an ActivityPub type, then the actor, from the cache
// when fresh. A server that does not know the account gives ErrNoAccount.
func (r *Resolver) Lookup(ctx context.Context, acct string) (store.RemoteActor, error) {
	user, domain, ok := strings.Cut(strings.TrimPrefix(acct, "@"), "@")
	if !ok || user == "" || domain == "" || strings.ContainsAny(user+domain, "/?#@%\\ \t") {
		return store.RemoteActor{}, fmt.Errorf("look up %q: %w", acct, ErrNoAccount)
	}
	id, err := r.webFinger(ctx, "https", user, domain)
	var transport *url.Error
	if err != nil && r.o.PlainWebFinger && errors.As(err, &transport) {
		id, err = r.webFinger(ctx, "http", user, domain)
	}
	if err != nil {
		return store.RemoteActor{}, fmt.Errorf("look up %s: %w", acct, err)
	}
	return r.Actor(ctx, id)
}

// webFinger asks DOMAIN's WebFinger over scheme for acct:USER@DOMAIN and
// returns the actor id of its self link.
func (r *Resolver) webFinger(ctx context.Context, scheme, user, domain string) (string, error) {
	u := scheme + "://" + domain + "/.well-known/webfinger?resource=" + url.QueryEscape("acct:"+user+"@"+domain)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return "", err
	}
	req.Header.Set("Accept", "application/jrd+json, application/json")
	resp, err := r.o.Client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone {
		return "", ErrNoAccount
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("webfinger: HTTP %d", resp.StatusCode)
	}
	var jrd struct {
		Links []struct {
			Rel, Type, Href string
		} `json:"links"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxJRD)).Decode(&jrd); err != nil {
		return "", fmt.Errorf("webfinger: %w", err)
	}
	for _, l := range jrd.Links {
		mt, params, _ := mime.ParseMediaType(l.Type)
		activity := mt == "application/activity+json" || mt == "application/ld+json" && strings.Contains(params["profile"], "activitystreams")
		if l.Rel == "self" && activity && strings.HasPrefix(l.Href, "http") {
			return l.Href, nil
		}
	}
	return "", ErrNoAccount
}
