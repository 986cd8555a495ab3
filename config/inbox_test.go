package config

import (
	"strings"
	"testing"
	"time"
)

func TestInboxKeys(t *testing.T) {
	const base = "base_url: https://news.example\nfeeds: [{handle: news, url: 'https://example.org/feed'}]\n"
	cfg, err := Load(writeConfig(t, base+`inbox:
  blocked_domains: [" Spam.Example "]
  blocked_actors: ["https://bad.example/users/troll"]
  rate_limit: 5
  rate_burst: 20
  blocklist_url: https://lists.example/blocklist.csv
  blocklist_refresh: 1h
`), env(nil))
	if err != nil {
		t.Fatal(err)
	}
	in := cfg.Inbox
	if in.BlockedDomains[0] != "spam.example" || in.BlockedActors[0] != "https://bad.example/users/troll" ||
		in.RateLimit != 5 || in.RateBurst != 20 || in.BlocklistRefresh.Std() != time.Hour || in.BlocklistURL == "" {
		t.Fatalf("inbox = %+v", in)
	}
	cfg, err = Load(writeConfig(t, base), env(map[string]string{
		"HERALD_BLOCKED_DOMAINS": "a.example, b.example", "HERALD_BLOCKLIST_URL": "https://l.example/x.csv",
	}))
	if err != nil || len(cfg.Inbox.BlockedDomains) != 2 || cfg.Inbox.BlocklistURL != "https://l.example/x.csv" {
		t.Fatalf("env: %+v %v", cfg.Inbox, err)
	}

	for _, c := range []struct{ yaml, key string }{
		{"inbox: {blocked_domains: ['https://x.example/']}", "inbox.blocked_domains[0]"},
		{"inbox: {blocked_actors: ['alice']}", "inbox.blocked_actors[0]"},
		{"inbox: {rate_limit: -1}", "inbox.rate_limit"},
		{"inbox: {blocklist_url: 'ftp://x'}", "inbox.blocklist_url"},
		{"inbox: {blocklist_refresh: 1s}", "inbox.blocklist_refresh"},
	} {
		_, err := Load(writeConfig(t, base+c.yaml+"\n"), env(nil))
		if err == nil || !strings.Contains(err.Error(), c.key) {
			t.Errorf("%s: error %v does not name %s", c.yaml, err, c.key)
		}
	}
}
