// Package config loads and validates Herald's configuration: a YAML file whose
// keys can each be overridden by an environment variable (HERALD_LISTEN,
// HERALD_BASE_URL, ...). It is parsed once in main and passed down explicitly.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"herald/keyseal"
)

// Defaults applied to keys the file and the environment leave unset.
const (
	DefaultListen       = "127.0.0.1:8080"
	DefaultDataDir      = "./data"
	DefaultPollInterval = 5 * time.Minute
	DefaultFetchTimeout = 30 * time.Second
	// DefaultRemovalCheckInterval bounds how long a removed item can go
	// unnoticed when the site keeps answering 304 Not Modified.
	DefaultRemovalCheckInterval = 10 * time.Minute
	// DefaultMaxItemAge is the age past which a newly seen item is recorded
	// but not pushed to followers (a backdated post).
	DefaultMaxItemAge = 14 * 24 * time.Hour
	// DefaultPushPollInterval is the safety poll of feeds pushed by WebSub.
	DefaultPushPollInterval = time.Hour
)

// Config is Herald's whole configuration.
type Config struct {
	// Listen is the address the HTTP server binds.
	Listen string `yaml:"listen"`
	// BaseURL is the public origin; actor ids live under it.
	BaseURL string `yaml:"base_url"`
	// DataDir holds the bbolt file.
	DataDir string `yaml:"data_dir"`
	// PollInterval is the default time between two polls of a feed.
	PollInterval Duration `yaml:"poll_interval"`
	// FetchTimeout bounds every outbound request (feeds, actors, deliveries).
	FetchTimeout Duration `yaml:"fetch_timeout"`
	// AllowPrivateAddresses lets Herald fetch from and deliver to loopback and
	// private ranges. Off by default: it guards against SSRF.
	AllowPrivateAddresses bool `yaml:"allow_private_addresses"`
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
}

// Values of Config.SignedFetch.
const (
	// SignedFetchWhenRequired signs a GET only for hosts known to refuse
	// unsigned ones: one RSA signature less per new follower elsewhere.
	SignedFetchWhenRequired = "when_required"
	// SignedFetchAlways signs every GET.
	SignedFetchAlways = "always"
)

// Duration is a time.Duration written as "5m", "1s" or "1h30m" in YAML.
type Duration time.Duration

// UnmarshalYAML parses a Go duration string.
func (d *Duration) UnmarshalYAML(node *yaml.Node) error {
	parsed, err := time.ParseDuration(strings.TrimSpace(node.Value))
	if err != nil {
		return fmt.Errorf("line %d: %q is not a duration (use e.g. 30s, 5m, 1h)", node.Line, node.Value)
	}
	*d = Duration(parsed)
	return nil
}

// Std returns d as a time.Duration.
func (d Duration) Std() time.Duration { return time.Duration(d) }

// handlePattern is what Mastodon accepts as a local user name.
var handlePattern = regexp.MustCompile(`^[a-z0-9_]([a-z0-9_.-]*[a-z0-9_])?$`)

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

// applyEnv overrides cfg with every HERALD_* variable that is set.
func applyEnv(cfg *Config, getenv func(string) string) error {
	strs := map[string]*string{
		"HERALD_LISTEN":             &cfg.Listen,
		"HERALD_BASE_URL":           &cfg.BaseURL,
		"HERALD_DATA_DIR":           &cfg.DataDir,
		"HERALD_LOG_LEVEL":          &cfg.LogLevel,
		"HERALD_KEY_ENCRYPTION_KEY": &cfg.KeyEncryptionKey,
		"HERALD_SIGNED_FETCH":       &cfg.SignedFetch,
	}
	env := func(name string) string { return strings.TrimSpace(getenv(name)) }
	if v := env("HERALD_AUTHORIZED_FETCH"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("HERALD_AUTHORIZED_FETCH: %q is not true or false", v)
		}
		cfg.AuthorizedFetch = b
	}
	if v := env("HERALD_OWNERSHIP_REQUIRED"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("HERALD_OWNERSHIP_REQUIRED: %q is not true or false", v)
		}
		cfg.Ownership.Required = b
	}
	if v := env("HERALD_OWNERSHIP_ALLOWLIST"); v != "" {
		cfg.Ownership.Allowlist = strings.Split(v, ",")
	}
	if v := env("HERALD_ADMIN_TOKEN"); v != "" {
		cfg.AdminTokens = append(cfg.AdminTokens, AdminToken{Token: v, Role: RoleOperator})
	}
	strs["HERALD_ACCOUNT_DOMAIN"] = &cfg.AccountDomain
	for name, dst := range strs {
		if v := env(name); v != "" {
			*dst = v
		}
	}
	durations := map[string]*Duration{
		"HERALD_POLL_INTERVAL": &cfg.PollInterval,
		"HERALD_FETCH_TIMEOUT": &cfg.FetchTimeout,

		"HERALD_REMOVAL_CHECK_INTERVAL": &cfg.RemovalCheckInterval,
		"HERALD_MAX_ITEM_AGE":           &cfg.MaxItemAge,
		"HERALD_MAX_POLL_INTERVAL":      &cfg.MaxPollInterval,
		"HERALD_PUSH_POLL_INTERVAL":     &cfg.PushPollInterval,
	}
	for name, dst := range durations {
		if v := env(name); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil {
				return fmt.Errorf("%s: %q is not a duration (use e.g. 30s, 5m, 1h)", name, v)
			}
			*dst = Duration(d)
		}
	}
	if v := env("HERALD_ALLOW_PRIVATE_ADDRESSES"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("HERALD_ALLOW_PRIVATE_ADDRESSES: %q is not true or false", v)
		}
		cfg.AllowPrivateAddresses = b
	}
	if v := env("HERALD_BLOCKED_DOMAINS"); v != "" {
		cfg.Inbox.BlockedDomains = strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' })
	}
	if v := env("HERALD_BLOCKLIST_URL"); v != "" {
		cfg.Inbox.BlocklistURL = v
	}
	if v := env("HERALD_BLOCKED_ACTORS"); v != "" {
		cfg.Inbox.BlockedActors = strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' })
	}
	if v := env("HERALD_FEEDS"); v != "" {
		feeds, err := parseEnvFeeds(v)
		if err != nil {
			return err
		}
		cfg.Feeds = feeds
	}
	return nil
}

// parseEnvFeeds parses HERALD_FEEDS: "handle=url" pairs separated by commas
// or white space. It replaces the file's feeds list as a whole.
func parseEnvFeeds(v string) ([]Feed, error) {
	var feeds []Feed
	for _, pair := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\t' }) {
		handle, feedURL, ok := strings.Cut(pair, "=")
		if !ok {
			return nil, fmt.Errorf("HERALD_FEEDS: %q is not handle=url", pair)
		}
		feeds = append(feeds, Feed{Handle: handle, URL: feedURL})
	}
	return feeds, nil
}

func (c *Config) applyDefaults() {
	if c.Listen == "" {
		c.Listen = DefaultListen
	}
	if c.DataDir == "" {
		c.DataDir = DefaultDataDir
	}
	if c.PollInterval == 0 {
		c.PollInterval = Duration(DefaultPollInterval)
	}
	if c.FetchTimeout == 0 {
		c.FetchTimeout = Duration(DefaultFetchTimeout)
	}
	if c.LogLevel == "" {
		c.LogLevel = "info"
	}
	if c.SignedFetch == "" {
		c.SignedFetch = SignedFetchWhenRequired
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	for i := range c.Feeds {
		c.Feeds[i].Handle = strings.ToLower(strings.TrimSpace(c.Feeds[i].Handle))
		if c.Feeds[i].PollInterval == 0 {
			c.Feeds[i].PollInterval = c.PollInterval
		}
	}
}

// Validate checks every key and names the first one that is wrong.
func (c *Config) Validate() error {
	if c.BaseURL == "" {
		return errors.New("base_url: required (the public origin, e.g. https://news.example.org)")
	}
	u, err := url.Parse(c.BaseURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil ||
		u.Path != "" || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(c.BaseURL, "#") {
		return fmt.Errorf("base_url: %q must be an origin such as https://news.example.org (no path, query or fragment)", c.BaseURL)
	}
	if _, _, err := net.SplitHostPort(c.Listen); err != nil {
		return fmt.Errorf("listen: %q is not host:port (e.g. 127.0.0.1:8080)", c.Listen)
	}
	if c.PollInterval.Std() < time.Second {
		return fmt.Errorf("poll_interval: %s is shorter than 1s", c.PollInterval.Std())
	}
	if c.FetchTimeout.Std() < 100*time.Millisecond {
		return fmt.Errorf("fetch_timeout: %s is too short", c.FetchTimeout.Std())
	}
	if c.RemovalCheckInterval != 0 && c.RemovalCheckInterval.Std() < time.Second {
		return fmt.Errorf("removal_check_interval: %s is shorter than 1s", c.RemovalCheckInterval.Std())
	}
	if c.MaxItemAge != 0 && c.MaxItemAge.Std() < time.Minute {
		return fmt.Errorf("max_item_age: %s is shorter than 1m", c.MaxItemAge.Std())
	}
	if c.PushPollInterval != 0 && c.PushPollInterval.Std() < time.Second {
		return fmt.Errorf("push_poll_interval: %s is shorter than 1s", c.PushPollInterval.Std())
	}
	if c.MaxPollInterval != 0 && c.MaxPollInterval < c.PollInterval {
		return fmt.Errorf("max_poll_interval: %s is shorter than poll_interval %s", c.MaxPollInterval.Std(), c.PollInterval.Std())
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return fmt.Errorf("log_level: %q is not one of debug, info, warn, error", c.LogLevel)
	}
	switch c.SignedFetch {
	case SignedFetchWhenRequired, SignedFetchAlways:
	default:
		return fmt.Errorf("signed_fetch: %q is not %s or %s", c.SignedFetch, SignedFetchWhenRequired, SignedFetchAlways)
	}
	if err := c.validateAccountDomain(); err != nil {
		return err
	}
	if err := c.Inbox.validate(); err != nil {
		return err
	}
	if len(c.Feeds) == 0 {
		return errors.New("feeds: at least one feed is required")
	}
	if err := c.validateAdminTokens(); err != nil {
		return err
	}
	if err := c.Ownership.validate(); err != nil {
		return err
	}
	if c.KeyEncryptionKey != "" {
		if _, err := keyseal.ParseKey(c.KeyEncryptionKey); err != nil {
			return fmt.Errorf("key_encryption_key: %w", err)
		}
	}
	seen := map[string]bool{}
	for i, f := range c.Feeds {
		if err := f.validate(); err != nil {
			return fmt.Errorf("feeds[%d].%w", i, err)
		}
		if seen[f.Handle] {
			return fmt.Errorf("feeds[%d].handle: %q is used twice", i, f.Handle)
		}
		seen[f.Handle] = true
	}
	return nil
}

func (f Feed) validate() error {
	if !handlePattern.MatchString(f.Handle) || len(f.Handle) > 30 {
		return fmt.Errorf("handle: %q must be 1-30 of a-z, 0-9, _ . - (starting and ending with a letter, digit or _)", f.Handle)
	}
	u, err := url.Parse(f.URL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("url: %q is not an http(s) URL", f.URL)
	}
	if f.PollInterval.Std() < time.Second {
		return fmt.Errorf("poll_interval: %s is shorter than 1s", f.PollInterval.Std())
	}
	switch f.PreferFormat {
	case "", "rss", "atom", "json":
	default:
		return fmt.Errorf("prefer_format: %q is not rss, atom or json", f.PreferFormat)
	}
	if f.RemovalCheckInterval != 0 && f.RemovalCheckInterval.Std() < time.Second {
		return fmt.Errorf("removal_check_interval: %s is shorter than 1s", f.RemovalCheckInterval.Std())
	}
	if err := f.Profile.validate(); err != nil {
		return err
	}
	return f.Posts.validate()
}

// yamlLine matches the "line N: " with which yaml.v3 starts each message.
var yamlLine = regexp.MustCompile(`line (\d+): `)

// nameKeys rewrites each "line N: " in msg, a YAML decoding error, to name
// the key on that line ("feeds[0].poll_interval (line N): "): yaml.v3 and
// Duration.UnmarshalYAML know the line, not the key.
func nameKeys(raw []byte, msg string) string {
	var root yaml.Node
	if yaml.Unmarshal(raw, &root) != nil {
		return msg
	}
	return yamlLine.ReplaceAllStringFunc(msg, func(m string) string {
		line, _ := strconv.Atoi(yamlLine.FindStringSubmatch(m)[1])
		if key := keyOnLine(&root, line, ""); key != "" {
			return fmt.Sprintf("%s (line %d): ", key, line)
		}
		return m
	})
}

// keyOnLine returns the path ("feeds[1].url") of the first mapping key under
// n that is written on line, "" if there is none.
func keyOnLine(n *yaml.Node, line int, path string) string {
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			if key := keyOnLine(c, line, path); key != "" {
				return key
			}
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			p := k.Value
			if path != "" {
				p = path + "." + k.Value
			}
			if k.Line == line {
				return p
			}
			if key := keyOnLine(v, line, p); key != "" {
				return key
			}
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			if key := keyOnLine(c, line, fmt.Sprintf("%s[%d]", path, i)); key != "" {
				return key
			}
		}
	}
	return ""
}

// Host returns the host of BaseURL (with port, if any).
func (c *Config) Host() string {
	u, _ := url.Parse(c.BaseURL)
	return u.Host
}

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

// RemovalCheck returns the removal check interval of f: its own, else the
// global one, else DefaultRemovalCheckInterval.
func (c *Config) RemovalCheck(f Feed) time.Duration {
	switch {
	case f.RemovalCheckInterval != 0:
		return f.RemovalCheckInterval.Std()
	case c.RemovalCheckInterval != 0:
		return c.RemovalCheckInterval.Std()
	}
	return DefaultRemovalCheckInterval
}

// ItemMaxAge returns max_item_age, or DefaultMaxItemAge when unset.
func (c *Config) ItemMaxAge() time.Duration {
	if c.MaxItemAge != 0 {
		return c.MaxItemAge.Std()
	}
	return DefaultMaxItemAge
}

// PollBounds returns the shortest and longest poll interval of f: its
// poll_interval, and max_poll_interval when that is longer.
func (c *Config) PollBounds(f Feed) (shortest, longest time.Duration) {
	shortest = f.PollInterval.Std()
	if shortest == 0 {
		shortest = c.PollInterval.Std()
	}
	return shortest, max(shortest, c.MaxPollInterval.Std())
}

// PushPoll returns push_poll_interval, or DefaultPushPollInterval.
func (c *Config) PushPoll() time.Duration {
	if c.PushPollInterval != 0 {
		return c.PushPollInterval.Std()
	}
	return DefaultPushPollInterval
}
