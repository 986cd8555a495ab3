package config

import (
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Moderation and inbox abuse limits. These keys live in Inbox (YAML key
// "inbox") so they stay apart from the feed settings.
type Inbox struct {
	// BlockedDomains are hosts whose actors Herald refuses (403) and drops
	// as followers; a domain blocks its subdomains too.
	BlockedDomains []string `yaml:"blocked_domains"`
	// BlockedActors are actor ids refused and dropped the same way.
	BlockedActors []string `yaml:"blocked_actors"`
	// RateLimit is how many inbox POSTs per second one client IP, and one
	// verified sending host, may make on average; 0 means DefaultInboxRate.
	RateLimit float64 `yaml:"rate_limit"`
	// RateBurst is how many POSTs above the rate a client may send at once;
	// 0 means 10 times RateLimit.
	RateBurst int `yaml:"rate_burst"`
	// BlocklistURL is a published domain blocklist in Mastodon's CSV export
	// format; its suspended domains are blocked like BlockedDomains. "" means
	// none.
	BlocklistURL string `yaml:"blocklist_url"`
	// BlocklistRefresh is how often BlocklistURL is fetched again; 0 means
	// DefaultBlocklistRefresh.
	BlocklistRefresh Duration `yaml:"blocklist_refresh"`
}

// DefaultBlocklistRefresh is the default Inbox.BlocklistRefresh.
const DefaultBlocklistRefresh = 6 * time.Hour

// DefaultInboxRate is the default Inbox.RateLimit: far above what one
// server sends in honest traffic, low enough to stop a flood.
const DefaultInboxRate = 100

// validate checks the inbox keys and lowercases the blocked domains.
func (in *Inbox) validate() error {
	for i, d := range in.BlockedDomains {
		d = strings.ToLower(strings.TrimSpace(d))
		if d == "" || strings.ContainsAny(d, "/:@ ") {
			return fmt.Errorf("inbox.blocked_domains[%d]: %q is not a domain name", i, in.BlockedDomains[i])
		}
		in.BlockedDomains[i] = d
	}
	for i, a := range in.BlockedActors {
		u, err := url.Parse(a)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return fmt.Errorf("inbox.blocked_actors[%d]: %q is not an actor id (an http(s) URL)", i, a)
		}
	}
	if in.BlocklistURL != "" {
		u, err := url.Parse(in.BlocklistURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return fmt.Errorf("inbox.blocklist_url: %q is not an http(s) URL", in.BlocklistURL)
		}
	}
	if in.BlocklistRefresh != 0 && in.BlocklistRefresh.Std() < time.Minute {
		return fmt.Errorf("inbox.blocklist_refresh: %s is shorter than 1m", in.BlocklistRefresh.Std())
	}
	if in.RateLimit < 0 || in.RateBurst < 0 {
		return fmt.Errorf("inbox.rate_limit and inbox.rate_burst: must not be negative")
	}
	return nil
}
