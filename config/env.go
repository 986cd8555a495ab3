package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// envKey is one HERALD_* variable: its name and how a set value is applied
// to the configuration. set returns an error without the variable's name;
// applyEnv prefixes it.
type envKey struct {
	name string
	set  func(v string) error
}

// envKeys returns the HERALD_* variables that override keys of cfg. Their
// order is the order in which they are read, so when several are wrong the
// error names the first in this list.
func envKeys(cfg *Config) []envKey {
	return []envKey{
		{"HERALD_AUTHORIZED_FETCH", setBool(&cfg.AuthorizedFetch)},
		{"HERALD_REDIRECT_BROWSERS_TO_SITE", setBool(&cfg.RedirectBrowsersToSite)},
		{"HERALD_OWNERSHIP_REQUIRED", setBool(&cfg.Ownership.Required)},
		{"HERALD_OWNERSHIP_ALLOWLIST", func(v string) error {
			cfg.Ownership.Allowlist = strings.Split(v, ",")
			return nil
		}},
		{"HERALD_ADMIN_TOKEN", func(v string) error {
			cfg.AdminTokens = append(cfg.AdminTokens, AdminToken{Token: v, Role: RoleOperator})
			return nil
		}},
		{"HERALD_LISTEN", setString(&cfg.Listen)},
		{"HERALD_BASE_URL", setString(&cfg.BaseURL)},
		{"HERALD_DATA_DIR", setString(&cfg.DataDir)},
		{"HERALD_DATABASE_URL", setString(&cfg.DatabaseURL)},
		{"HERALD_LOG_LEVEL", setString(&cfg.LogLevel)},
		{"HERALD_KEY_ENCRYPTION_KEY", setString(&cfg.KeyEncryptionKey)},
		{"HERALD_SIGNED_FETCH", setString(&cfg.SignedFetch)},
		{"HERALD_ACCOUNT_DOMAIN", setString(&cfg.AccountDomain)},
		{"HERALD_POLL_INTERVAL", setDuration(&cfg.PollInterval)},
		{"HERALD_FETCH_TIMEOUT", setDuration(&cfg.FetchTimeout)},
		{"HERALD_LEASE_TIME", setDuration(&cfg.LeaseTime)},
		{"HERALD_REMOVAL_CHECK_INTERVAL", setDuration(&cfg.RemovalCheckInterval)},
		{"HERALD_MAX_ITEM_AGE", setDuration(&cfg.MaxItemAge)},
		{"HERALD_MAX_POLL_INTERVAL", setDuration(&cfg.MaxPollInterval)},
		{"HERALD_PUSH_POLL_INTERVAL", setDuration(&cfg.PushPollInterval)},
		{"HERALD_ALLOW_PRIVATE_ADDRESSES", setBool(&cfg.AllowPrivateAddresses)},
		{"HERALD_TRUSTED_PROXIES", setList(&cfg.TrustedProxies)},
		{"HERALD_BLOCKED_DOMAINS", setList(&cfg.Inbox.BlockedDomains)},
		{"HERALD_BLOCKLIST_URL", setString(&cfg.Inbox.BlocklistURL)},
		{"HERALD_BLOCKED_ACTORS", setList(&cfg.Inbox.BlockedActors)},
		{"HERALD_RELAYS", setList(&cfg.Relays)},
		{"HERALD_OPERATOR_NAME", setString(&cfg.Operator.Name)},
		{"HERALD_OPERATOR_CONTACT", setString(&cfg.Operator.Contact)},
		{"HERALD_OPERATOR_LANGUAGE", setString(&cfg.Operator.Language)},
		{"HERALD_PRIVACY_POLICY_FILE", setString(&cfg.Operator.PrivacyPolicyFile)},
		{"HERALD_MINIMUM_AGE_POLICY_FILE", setString(&cfg.Operator.MinimumAgePolicyFile)},
		{"HERALD_FEEDS", func(v string) error {
			feeds, err := parseEnvFeeds(v)
			if err != nil {
				return err
			}
			cfg.Feeds = feeds
			return nil
		}},
	}
}

// applyEnv overrides cfg with every HERALD_* variable that is set. A value
// is trimmed of white space; one that is then empty counts as unset.
func applyEnv(cfg *Config, getenv func(string) string) error {
	for _, k := range envKeys(cfg) {
		v := strings.TrimSpace(getenv(k.name))
		if v == "" {
			continue
		}
		if err := k.set(v); err != nil {
			return fmt.Errorf("%s: %w", k.name, err)
		}
	}
	return nil
}

// setString returns a setter that stores the value in dst.
func setString(dst *string) func(string) error {
	return func(v string) error {
		*dst = v
		return nil
	}
}

// setBool returns a setter that parses the value as strconv.ParseBool does.
func setBool(dst *bool) func(string) error {
	return func(v string) error {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("%q is not true or false", v)
		}
		*dst = b
		return nil
	}
}

// setDuration returns a setter that parses the value as a Go duration.
func setDuration(dst *Duration) func(string) error {
	return func(v string) error {
		d, err := time.ParseDuration(v)
		if err != nil {
			return fmt.Errorf("%q is not a duration (use e.g. 30s, 5m, 1h)", v)
		}
		*dst = Duration(d)
		return nil
	}
}

// setList returns a setter that stores the value split at commas and
// spaces, replacing the file's list as a whole.
func setList(dst *[]string) func(string) error {
	return func(v string) error {
		*dst = strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' })
		return nil
	}
}

// parseEnvFeeds parses HERALD_FEEDS: "handle=url" pairs separated by commas
// or white space. It replaces the file's feeds list as a whole. Its error
// leaves the variable's name to applyEnv.
func parseEnvFeeds(v string) ([]Feed, error) {
	var feeds []Feed
	for _, pair := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\t' }) {
		handle, feedURL, ok := strings.Cut(pair, "=")
		if !ok {
			return nil, fmt.Errorf("%q is not handle=url", pair)
		}
		feeds = append(feeds, Feed{Handle: handle, URL: feedURL})
	}
	return feeds, nil
}
