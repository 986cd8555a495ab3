package config

import (
	"strings"
	"testing"
	"time"
)

// TestIngestKeys: removal_check_interval (global, per feed) and
// max_item_age load, default when unset and reject nonsense by name.
func TestIngestKeys(t *testing.T) {
	const base = "base_url: https://news.example.org\n"
	const feed = "feeds:\n  - handle: news\n    url: https://example.org/feed.xml\n"
	for _, c := range []struct {
		name, yaml         string
		env                map[string]string
		wantRemoval, wantA time.Duration
		wantErr            string
	}{
		{"defaults", base + feed, nil, DefaultRemovalCheckInterval, DefaultMaxItemAge, ""},
		{"global", base + "removal_check_interval: 2m\nmax_item_age: 72h\n" + feed, nil, 2 * time.Minute, 72 * time.Hour, ""},
		{"per feed wins", base + "removal_check_interval: 2m\n" + feed + "    removal_check_interval: 5s\n", nil, 5 * time.Second, DefaultMaxItemAge, ""},
		{"env", base + feed, map[string]string{"HERALD_REMOVAL_CHECK_INTERVAL": "30s", "HERALD_MAX_ITEM_AGE": "1h"}, 30 * time.Second, time.Hour, ""},
		{"global too short", base + "removal_check_interval: 10ms\n" + feed, nil, 0, 0, "removal_check_interval"},
		{"feed too short", base + feed + "    removal_check_interval: 10ms\n", nil, 0, 0, "feeds[0].removal_check_interval"},
		{"age too short", base + "max_item_age: 1s\n" + feed, nil, 0, 0, "max_item_age"},
		{"env not a duration", base + feed, map[string]string{"HERALD_MAX_ITEM_AGE": "old"}, 0, 0, "HERALD_MAX_ITEM_AGE"},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := Load(writeConfig(t, c.yaml), env(c.env))
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("err = %v, want one naming %s", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := cfg.RemovalCheck(cfg.Feeds[0]); got != c.wantRemoval {
				t.Errorf("RemovalCheck = %s, want %s", got, c.wantRemoval)
			}
			if got := cfg.ItemMaxAge(); got != c.wantA {
				t.Errorf("ItemMaxAge = %s, want %s", got, c.wantA)
			}
		})
	}
}
