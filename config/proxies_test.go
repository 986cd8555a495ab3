package config

import (
	"net/netip"
	"strings"
	"testing"
)

func TestTrustedProxies(t *testing.T) {
	env := map[string]string{
		"HERALD_BASE_URL":        "https://news.example.org",
		"HERALD_FEEDS":           "news=https://www.example.org/feed/",
		"HERALD_TRUSTED_PROXIES": "172.30.80.10, 10.0.0.0/8 2001:db8::/32",
	}
	cfg, err := Load("", func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	want := []netip.Prefix{netip.MustParsePrefix("172.30.80.10/32"), netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("2001:db8::/32")}
	got := cfg.TrustedProxyPrefixes()
	if len(got) != len(want) {
		t.Fatalf("prefixes %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("prefix %d: %v, want %v", i, got[i], want[i])
		}
	}
	env["HERALD_TRUSTED_PROXIES"] = "caddy"
	if _, err := Load("", func(k string) string { return env[k] }); err == nil || !strings.Contains(err.Error(), "trusted_proxies") {
		t.Errorf("a host name as a proxy: %v, want an error naming trusted_proxies", err)
	}
}
