// Package config loads and validates Herald's configuration: a YAML file whose
// keys can each be overridden by an environment variable (HERALD_LISTEN,
// HERALD_BASE_URL, ...). It is parsed once in main and passed down explicitly.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"

	"gopkg.in/yaml.v3"
)

// Config is Herald's whole configuration.
type Config struct {
	// Listen is the address the HTTP server binds.
	Listen string `yaml:"listen"`
	// BaseURL is the public origin; actor ids live under it.
	BaseURL string `yaml:"base_url"`
	// DataDir holds the bbolt file.
	DataDir string `yaml:"data_dir"`
	// DatabaseURL, when set (postgres://...), stores everything in that
	// PostgreSQL database instead of the bbolt file in DataDir.
	DatabaseURL string `yaml:"database_url"`
	// PollInterval is the default time between two polls of a feed.
	PollInterval Duration `yaml:"poll_interval"`
	// FetchTimeout bounds every outbound request (feeds, actors, deliveries).
	FetchTimeout Duration `yaml:"fetch_timeout"`
	// LeaseTime is how long a replica's claim on a delivery job, a feed or
	// a background task lasts unless renewed (see Lease).
	LeaseTime Duration `yaml:"lease_time"`
	// AllowPrivateAddresses lets Herald fetch from and deliver to loopback and
	// private ranges. Off by default: it guards against SSRF.
	AllowPrivateAddresses bool `yaml:"allow_private_addresses"`
	// TrustedProxies are the reverse proxies (IP addresses or CIDR
	// prefixes) whose X-Forwarded-For Herald believes (proxies.go).
	TrustedProxies []string `yaml:"trusted_proxies"`
	// LogLevel is debug, info, warn or error.
	LogLevel string `yaml:"log_level"`
	// Feeds are the accounts Herald serves, one per feed.
	Feeds []Feed `yaml:"feeds"`
	// AdminTokens grant access to the admin API (see admin.go).
	AdminTokens []AdminToken `yaml:"admin_tokens"`
	// KeyEncryptionKey, when set (32 bytes as hex or base64), encrypts the
	// actors' private keys in the database. Best given only as
	// HERALD_KEY_ENCRYPTION_KEY, so that it never sits beside the data.
	KeyEncryptionKey string `yaml:"key_encryption_key"`
	// AuthorizedFetch makes actors, posts and collections answer signed
	// GETs only (Mastodon's secure mode); WebFinger, NodeInfo and the
	// instance actor stay public, and unsigned actor fetches get the key.
	AuthorizedFetch bool `yaml:"authorized_fetch"`
	// RedirectBrowsersToSite sends browsers that open an actor or post id
	// to the website or article instead of showing Herald's profile and
	// post pages.
	RedirectBrowsersToSite bool `yaml:"redirect_browsers_to_site"`
	// SignedFetch is when Herald signs its own GETs of remote actors and
	// keys: "when_required" (the default) fetches unsigned first and signs
	// for hosts that answer 401 or 403 (servers in authorized-fetch mode);
	// "always" signs every fetch, as Mastodon does.
	SignedFetch string `yaml:"signed_fetch"`
	// Ownership makes accounts wait for their site's consent (ownership.go).
	Ownership Ownership `yaml:"ownership"`
	// AccountDomain is the domain of handles (@news@AccountDomain) when it
	// differs from the host of BaseURL; that domain must redirect its
	// /.well-known/webfinger and host-meta to BaseURL. "" means the host of
	// BaseURL.
	AccountDomain string `yaml:"account_domain"`
	// Inbox holds moderation (blocks) and inbox rate limits.
	Inbox Inbox `yaml:"inbox"`
	// RemovalCheckInterval is the longest time between two unconditional
	// fetches of a feed (ignoring ETag and Last-Modified), which is how an
	// item removed at the source is noticed on servers that answer 304 for
	// a feed that changed. 0 means DefaultRemovalCheckInterval.
	RemovalCheckInterval Duration `yaml:"removal_check_interval"`
	// MaxItemAge: a new item dated longer ago than this is recorded but not
	// pushed to followers. 0 means DefaultMaxItemAge (see ItemMaxAge).
	MaxItemAge Duration `yaml:"max_item_age"`
	// MaxPollInterval lets the poll interval of a quiet feed grow from its
	// poll_interval up to this; 0 means no growth.
	MaxPollInterval Duration `yaml:"max_poll_interval"`
	// PushPollInterval is the safety poll interval of a feed whose WebSub
	// subscription is active. 0 means DefaultPushPollInterval.
	PushPollInterval Duration `yaml:"push_poll_interval"`
	// Operator says who runs the service and holds its policies
	// (operator.go).
	Operator Operator `yaml:"operator"`
	// Relays are the relays (inbox or actor URLs) every feed's public
	// posts go to, unless a feed opts out (relays.go).
	Relays []string `yaml:"relays"`
}

// Feed is one feed served as one fediverse account.
type Feed struct {
	// Handle is the account's user name: acct:HANDLE@HOST. Lowercased on load.
	Handle string `yaml:"handle"`
	// URL is the feed's address.
	URL string `yaml:"url"`
	// Name overrides the display name taken from the feed title.
	Name string `yaml:"name"`
	// Summary overrides the bio taken from the feed description.
	Summary string `yaml:"summary"`
	// PollInterval overrides the default poll interval for this feed.
	PollInterval Duration `yaml:"poll_interval"`
	// Profile holds the account's profile settings (see profile.go).
	Profile `yaml:",inline"`
	// Posts holds how the account's posts look (see profile.go).
	Posts `yaml:",inline"`
	// RemovalCheckInterval overrides the global removal_check_interval;
	// 0 means the global value (see Config.RemovalCheck).
	RemovalCheckInterval Duration `yaml:"removal_check_interval"`
	// BackfillOnFollow sends a new follower the newest post at once.
	BackfillOnFollow bool `yaml:"backfill_on_follow"`
	// PreferFormat picks the feed when URL is a website that links to
	// several: "rss" (the default), "atom" or "json".
	PreferFormat string `yaml:"prefer_format"`
	// Relays holds the feed's own relays and whether it uses the
	// server-wide ones (relays.go).
	Relays `yaml:",inline"`
}

// Values of Config.SignedFetch.
const (
	// SignedFetchWhenRequired signs a GET only for hosts known to refuse
	// unsigned ones: one RSA signature less per new follower elsewhere.
	SignedFetchWhenRequired = "when_required"
	// SignedFetchAlways signs every GET.
	SignedFetchAlways = "always"
)

// Load reads the YAML file at path (skipped when path is ""), applies the
// environment overrides from getenv, fills defaults and validates the result.
// Errors name the offending key.
func Load(path string, getenv func(string) string) (*Config, error) {
	cfg := &Config{}
	if path != "" {
		raw, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("read config: %w", err)
		}
		dec := yaml.NewDecoder(bytes.NewReader(raw))
		dec.KnownFields(true)
		// An empty file is a valid, all-defaults document: Decode says io.EOF.
		if err := dec.Decode(cfg); err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("parse config %s: %s", path, nameKeys(raw, err.Error()))
		}
	}
	if err := applyEnv(cfg, getenv); err != nil {
		return nil, err
	}
	cfg.applyDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return cfg, nil
}

// Host returns the host of BaseURL (with port, if any).
func (c *Config) Host() string {
	u, _ := url.Parse(c.BaseURL)
	return u.Host
}
