package config

import (
	"reflect"
	"strings"
	"testing"
)

func TestRelays(t *testing.T) {
	const doc = `base_url: https://news.example
relays: [https://relay.example/inbox, https://pleroma.example/relay]
feeds:
  - {handle: news, url: 'https://example.org/feed'}
  - {handle: extra, url: 'https://example.org/feed2', relays: [https://gov.relay/actor, https://relay.example/inbox]}
  - {handle: quiet, url: 'https://example.org/feed3', server_relays: false}
  - {handle: own, url: 'https://example.org/feed4', server_relays: false, relays: [https://gov.relay/actor]}
`
	cfg, err := Load(writeConfig(t, doc), env(nil))
	if err != nil {
		t.Fatal(err)
	}
	server := []string{"https://relay.example/inbox", "https://pleroma.example/relay"}
	for handle, want := range map[string][]string{
		"news":  server,
		"extra": append(server[:2:2], "https://gov.relay/actor"),
		"quiet": nil,
		"own":   {"https://gov.relay/actor"},
		"none":  nil,
	} {
		if got := cfg.FeedRelays(handle); !reflect.DeepEqual(got, want) {
			t.Errorf("FeedRelays(%s) = %v, want %v", handle, got, want)
		}
	}
	if got, want := cfg.AllRelays(), append(server[:2:2], "https://gov.relay/actor"); !reflect.DeepEqual(got, want) {
		t.Errorf("AllRelays = %v, want %v", got, want)
	}
	cfg, err = Load(writeConfig(t, "base_url: https://news.example\nfeeds: [{handle: news, url: 'https://example.org/feed'}]\n"),
		env(map[string]string{"HERALD_RELAYS": "https://a.relay/inbox, https://b.relay/actor"}))
	if err != nil || !reflect.DeepEqual(cfg.Relays, []string{"https://a.relay/inbox", "https://b.relay/actor"}) {
		t.Errorf("HERALD_RELAYS: %v, %v", cfg.Relays, err)
	}
}

func TestRelayFlavour(t *testing.T) {
	for u, want := range map[string]string{
		"https://relay.example/inbox":       RelayMastodon,
		"https://relay.example/inbox/":      RelayMastodon,
		"https://relay.example/topic/inbox": RelayMastodon,
		"https://relay.example/actor":       RelayLitePub,
		"https://pleroma.example/relay":     RelayLitePub,
		"https://relay.example/inboxes":     RelayLitePub,
	} {
		if got := RelayFlavour(u); got != want {
			t.Errorf("RelayFlavour(%s) = %s, want %s", u, got, want)
		}
	}
}

func TestRelayErrors(t *testing.T) {
	const base = "base_url: https://news.example\n"
	for _, c := range []struct{ yaml, key string }{
		{"relays: ['relay.example/inbox']\nfeeds: [{handle: news, url: 'https://example.org/feed'}]", "relays[0]"},
		{"relays: ['ftp://relay.example/inbox']\nfeeds: [{handle: news, url: 'https://example.org/feed'}]", "relays[0]"},
		{"relays: ['https://relay.example/inbox#x']\nfeeds: [{handle: news, url: 'https://example.org/feed'}]", "relays[0]"},
		{"relays: [https://a.relay/inbox, https://a.relay/inbox]\nfeeds: [{handle: news, url: 'https://example.org/feed'}]", "relays[1]"},
		{"feeds: [{handle: news, url: 'https://example.org/feed', relays: ['https://u:p@relay.example/inbox']}]", "feeds[0].relays[0]"},
		{"feeds: [{handle: news, url: 'https://example.org/feed', server_relays: maybe}]", "into bool"},
	} {
		_, err := Load(writeConfig(t, base+c.yaml+"\n"), env(nil))
		if err == nil || !strings.Contains(err.Error(), c.key) {
			t.Errorf("%s: error %v, want one naming %s", c.yaml, err, c.key)
		}
	}
}

func TestDatabaseURL(t *testing.T) {
	const base = "base_url: https://news.example\nfeeds: [{handle: news, url: 'https://example.org/feed'}]\n"
	cfg, err := Load(writeConfig(t, base), env(map[string]string{"HERALD_DATABASE_URL": "postgres://herald:secret@db.example:5432/herald?sslmode=require"}))
	if err != nil || cfg.DatabaseURL != "postgres://herald:secret@db.example:5432/herald?sslmode=require" {
		t.Fatalf("HERALD_DATABASE_URL: %q, %v", cfg.DatabaseURL, err)
	}
	for _, bad := range []string{"mysql://db.example/herald", "postgres:///herald", "db.example/herald", "postgres://u:hunter2@%zz/x"} {
		_, err := Load(writeConfig(t, base+"database_url: '"+bad+"'\n"), env(nil))
		if err == nil || !strings.Contains(err.Error(), "database_url") || strings.Contains(err.Error(), "hunter2") {
			t.Errorf("database_url %q: error %v, want one naming the key and hiding the value", bad, err)
		}
	}
	if _, err := Load(writeConfig(t, base+"database_url: 'postgresql:///herald?host=/run/postgresql'\n"), env(nil)); err != nil {
		t.Errorf("a socket directory: %v", err)
	}
}
