package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strings"
	"time"

	"herald/keyseal"
)

// handlePattern is what Mastodon accepts as a local user name.
var handlePattern = regexp.MustCompile(`^[a-z0-9_]([a-z0-9_.-]*[a-z0-9_])?$`)

// Validate checks every key and names the first one that is wrong. The
// checks run in a fixed order, and some lowercase the values they accept
// (inbox.blocked_domains, ownership.allowlist).
func (c *Config) Validate() error {
	for _, check := range []func() error{
		c.validateBaseURL,
		c.validateListen,
		c.validateDatabaseURL,
		c.validateIntervals,
		c.validateLogLevel,
		c.validateSignedFetch,
		c.validateAccountDomain,
		c.Inbox.validate,
		c.requireFeeds,
		c.validateAdminTokens,
		c.Ownership.validate,
		c.Operator.validate,
		c.validateKeyEncryptionKey,
		c.validateRelays,
		c.validateTrustedProxies,
		c.validateFeeds,
	} {
		if err := check(); err != nil {
			return err
		}
	}
	return nil
}

// validateBaseURL checks that base_url is set and is a bare http(s) origin.
func (c *Config) validateBaseURL() error {
	if c.BaseURL == "" {
		return errors.New("base_url: required (the public origin, e.g. https://news.example.org)")
	}
	u, err := url.Parse(c.BaseURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil ||
		u.Path != "" || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(c.BaseURL, "#") {
		return fmt.Errorf("base_url: %q must be an origin such as https://news.example.org (no path, query or fragment)", c.BaseURL)
	}
	return nil
}

// validateDatabaseURL checks that database_url, when set, is a PostgreSQL
// URL (postgres:// or postgresql://) with a host or a socket directory.
func (c *Config) validateDatabaseURL() error {
	if c.DatabaseURL == "" {
		return nil
	}
	u, err := url.Parse(c.DatabaseURL)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") || (u.Host == "" && u.Query().Get("host") == "") {
		return errors.New("database_url: must be a PostgreSQL URL such as postgres://herald@db.example/herald (the value is not shown: it may hold a password)")
	}
	return nil
}

// validateListen checks that listen is host:port.
func (c *Config) validateListen() error {
	if _, _, err := net.SplitHostPort(c.Listen); err != nil {
		return fmt.Errorf("listen: %q is not host:port (e.g. 127.0.0.1:8080)", c.Listen)
	}
	return nil
}

// validateIntervals checks the global durations against their lower
// bounds; those that may be 0 (meaning their default) are checked only
// when set.
func (c *Config) validateIntervals() error {
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
	if c.LeaseTime != 0 && c.LeaseTime <= c.FetchTimeout {
		return fmt.Errorf("lease_time: %s is not longer than fetch_timeout %s: a claim must outlast an attempt", c.LeaseTime.Std(), c.FetchTimeout.Std())
	}
	if c.MaxPollInterval != 0 && c.MaxPollInterval < c.PollInterval {
		return fmt.Errorf("max_poll_interval: %s is shorter than poll_interval %s", c.MaxPollInterval.Std(), c.PollInterval.Std())
	}
	return nil
}

// validateLogLevel checks that log_level is one slog knows.
func (c *Config) validateLogLevel() error {
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
		return nil
	}
	return fmt.Errorf("log_level: %q is not one of debug, info, warn, error", c.LogLevel)
}

// validateSignedFetch checks that signed_fetch is one of its two values.
func (c *Config) validateSignedFetch() error {
	switch c.SignedFetch {
	case SignedFetchWhenRequired, SignedFetchAlways:
		return nil
	}
	return fmt.Errorf("signed_fetch: %q is not %s or %s", c.SignedFetch, SignedFetchWhenRequired, SignedFetchAlways)
}

// requireFeeds checks that there is at least one feed.
func (c *Config) requireFeeds() error {
	if len(c.Feeds) == 0 {
		return errors.New("feeds: at least one feed is required")
	}
	return nil
}

// validateKeyEncryptionKey checks key_encryption_key, when set, as
// keyseal.ParseKey reads it.
func (c *Config) validateKeyEncryptionKey() error {
	if c.KeyEncryptionKey == "" {
		return nil
	}
	if _, err := keyseal.ParseKey(c.KeyEncryptionKey); err != nil {
		return fmt.Errorf("key_encryption_key: %w", err)
	}
	return nil
}

// validateFeeds checks each feed and that no handle is used twice; errors
// name the feed by its index (feeds[1].handle).
func (c *Config) validateFeeds() error {
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

// validate checks one feed; errors name the key within the feed
// (handle, url, ...), which validateFeeds prefixes with its index.
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
	if err := checkRelayURLs("relays", f.Relays.Relays); err != nil {
		return err
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
