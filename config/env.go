package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

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
