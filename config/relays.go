package config

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// Relay flavours (see RelayFlavour and docs/relays.md).
const (
	// RelayMastodon is a Mastodon-style relay, named by its inbox
	// (https://relay.example/inbox): Herald follows as:Public there and
	// sends its public activities to that inbox as they are.
	RelayMastodon = "mastodon"
	// RelayLitePub is a LitePub-style relay, named by its actor
	// (https://relay.example/actor, https://pleroma.example/relay): Herald
	// follows the actor and announces its new posts to it.
	RelayLitePub = "litepub"
)

// Relays are the relays a feed's posts go to, besides the feed's followers.
type Relays struct {
	// Relays adds relays (inbox or actor URLs) to the server-wide ones for
	// this feed.
	Relays []string `yaml:"relays"`
	// ServerRelays, when false, keeps this feed's posts off the
	// server-wide relays (Config.Relays); nil means true.
	ServerRelays *bool `yaml:"server_relays"`
}

// RelayFlavour tells how to subscribe to the relay named by u: a URL whose
// path ends in /inbox is a Mastodon-style relay's inbox (what Mastodon's
// relay settings ask for); any other URL is a LitePub relay's actor (what
// Pleroma and Akkoma follow).
func RelayFlavour(u string) string {
	parsed, err := url.Parse(u)
	if err == nil && strings.HasSuffix(strings.TrimSuffix(parsed.Path, "/"), "/inbox") {
		return RelayMastodon
	}
	return RelayLitePub
}

// AnyLitePub tells whether any of the relays urls is a LitePub relay
// (those get the relay actor's Announce of a new post, not its Create).
func AnyLitePub(urls []string) bool {
	return slices.ContainsFunc(urls, func(u string) bool { return RelayFlavour(u) == RelayLitePub })
}

// FeedRelays returns the relays that handle's public posts go to (see
// RelaysOf); none for a handle the config does not serve.
func (c *Config) FeedRelays(handle string) []string {
	for _, f := range c.Feeds {
		if f.Handle == handle {
			return c.RelaysOf(f)
		}
	}
	return nil
}

// RelaysOf returns the relays that f's public posts go to: the server-wide
// ones (unless the feed opts out) and the feed's own, each once.
func (c *Config) RelaysOf(f Feed) []string {
	var out []string
	if f.ServerRelays == nil || *f.ServerRelays {
		out = append(out, c.Relays...)
	}
	for _, r := range f.Relays.Relays {
		if !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out
}

// AllRelays returns every relay that some feed uses, each once, in the
// config's order: the ones Herald subscribes to.
func (c *Config) AllRelays() []string {
	var out []string
	for _, f := range c.Feeds {
		for _, r := range c.RelaysOf(f) {
			if !slices.Contains(out, r) {
				out = append(out, r)
			}
		}
	}
	return out
}

// validateRelays checks the server-wide relays.
func (c *Config) validateRelays() error {
	return checkRelayURLs("relays", c.Relays)
}

// checkRelayURLs checks that every entry of key is an absolute http(s) URL
// without a fragment, named once.
func checkRelayURLs(key string, urls []string) error {
	seen := map[string]bool{}
	for i, r := range urls {
		u, err := url.Parse(r)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil || u.Fragment != "" || strings.Contains(r, "#") {
			return fmt.Errorf("%s[%d]: %q is not a relay's inbox or actor URL (e.g. https://relay.example/inbox)", key, i, r)
		}
		if seen[r] {
			return fmt.Errorf("%s[%d]: %q is named twice", key, i, r)
		}
		seen[r] = true
	}
	return nil
}
