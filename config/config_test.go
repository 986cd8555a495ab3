package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// env returns a getenv that reads from vars instead of the process
// environment, so tests stay parallel-safe.
func env(vars map[string]string) func(string) string {
	return func(name string) string { return vars[name] }
}

// writeConfig writes a YAML document to a temporary file and returns its path.
func writeConfig(t *testing.T, yaml string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "herald.yaml")
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoadExample(t *testing.T) {
	cfg, err := Load(filepath.Join("..", "herald.example.yaml"), env(nil))
	if err != nil {
		t.Fatal(err)
	}
	want := &Config{
		Listen:       "127.0.0.1:8080",
		BaseURL:      "http://localhost:8080",
		DataDir:      "./data",
		PollInterval: Duration(5 * time.Minute),
		FetchTimeout: Duration(30 * time.Second),
		LogLevel:     "info",
		SignedFetch:  SignedFetchWhenRequired,
		Feeds: []Feed{{
			Handle: "news", URL: "https://go.dev/blog/feed.atom", PollInterval: Duration(5 * time.Minute),
		}},
	}
	if !reflect.DeepEqual(cfg, want) {
		t.Errorf("got  %+v\nwant %+v", cfg, want)
	}
	if cfg.Host() != "localhost:8080" {
		t.Errorf("Host() = %q", cfg.Host())
	}
}

func TestLoadFull(t *testing.T) {
	cfg, err := Load(filepath.Join("testdata", "full.yaml"), env(nil))
	if err != nil {
		t.Fatal(err)
	}
	want := &Config{
		Listen:                "0.0.0.0:9000",
		BaseURL:               "https://news.example.org",
		DataDir:               "/var/lib/herald",
		PollInterval:          Duration(10 * time.Minute),
		FetchTimeout:          Duration(45 * time.Second),
		AllowPrivateAddresses: true,
		LogLevel:              "debug",
		SignedFetch:           SignedFetchWhenRequired,
		Feeds: []Feed{
			{Handle: "news", URL: "https://example.org/feed.xml", Name: "Example News",
				Summary: "Everything from example.org", PollInterval: Duration(time.Hour)},
			{Handle: "tech_blog", URL: "http://blog.example.org/atom.xml", PollInterval: Duration(10 * time.Minute)},
		},
	}
	if !reflect.DeepEqual(cfg, want) {
		t.Errorf("got  %+v\nwant %+v", cfg, want)
	}
}

func TestLoadDefaults(t *testing.T) {
	cfg, err := Load(filepath.Join("testdata", "minimal.yaml"), env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Listen != DefaultListen || cfg.DataDir != DefaultDataDir || cfg.LogLevel != "info" ||
		cfg.PollInterval.Std() != DefaultPollInterval || cfg.FetchTimeout.Std() != DefaultFetchTimeout ||
		cfg.AllowPrivateAddresses || cfg.SignedFetch != SignedFetchWhenRequired {
		t.Errorf("defaults not applied: %+v", cfg)
	}
	if cfg.Feeds[0].PollInterval.Std() != DefaultPollInterval {
		t.Errorf("feed poll_interval = %s, want the default", cfg.Feeds[0].PollInterval.Std())
	}
	if cfg.Host() != "news.example.org" {
		t.Errorf("Host() = %q", cfg.Host())
	}
	// An empty file is all defaults; the environment supplies the rest.
	cfg, err = Load(writeConfig(t, "# nothing\n"), env(map[string]string{
		"HERALD_BASE_URL": "https://news.example.org", "HERALD_FEEDS": "news=https://example.org/feed.xml",
	}))
	if err != nil || cfg.Listen != DefaultListen || len(cfg.Feeds) != 1 {
		t.Errorf("empty file: %+v, %v", cfg, err)
	}
}

func TestEnvOverrides(t *testing.T) {
	for _, c := range []struct {
		name, value string
		check       func(*Config) bool
	}{
		{"HERALD_LISTEN", ":9999", func(c *Config) bool { return c.Listen == ":9999" }},
		{"HERALD_BASE_URL", "https://other.example/", func(c *Config) bool { return c.BaseURL == "https://other.example" }},
		{"HERALD_DATA_DIR", "/tmp/h", func(c *Config) bool { return c.DataDir == "/tmp/h" }},
		{"HERALD_POLL_INTERVAL", "1s", func(c *Config) bool {
			return c.PollInterval.Std() == time.Second && c.Feeds[0].PollInterval.Std() == time.Second
		}},
		{"HERALD_FETCH_TIMEOUT", "2m", func(c *Config) bool { return c.FetchTimeout.Std() == 2*time.Minute }},
		{"HERALD_ALLOW_PRIVATE_ADDRESSES", "true", func(c *Config) bool { return c.AllowPrivateAddresses }},
		{"HERALD_LOG_LEVEL", "warn", func(c *Config) bool { return c.LogLevel == "warn" }},
		{"HERALD_ACCOUNT_DOMAIN", "Example.org", func(c *Config) bool { return c.HandleDomain() == "example.org" }},
		{"HERALD_FEEDS", "a=https://a.example/feed", func(c *Config) bool {
			return len(c.Feeds) == 1 && c.Feeds[0].Handle == "a" && c.Feeds[0].URL == "https://a.example/feed"
		}},
		{"HERALD_SIGNED_FETCH", "always", func(c *Config) bool { return c.SignedFetch == SignedFetchAlways }},
		{"HERALD_LISTEN", "  :7000\n", func(c *Config) bool { return c.Listen == ":7000" }},
		{"HERALD_LISTEN", " ", func(c *Config) bool { return c.Listen == DefaultListen }},
	} {
		t.Run(c.name+"="+c.value, func(t *testing.T) {
			cfg, err := Load(filepath.Join("testdata", "minimal.yaml"), env(map[string]string{c.name: c.value}))
			if err != nil {
				t.Fatal(err)
			}
			if !c.check(cfg) {
				t.Errorf("%s=%q not applied: %+v", c.name, c.value, cfg)
			}
		})
	}
	// The environment beats the file, also to turn a true off.
	cfg, err := Load(filepath.Join("testdata", "full.yaml"), env(map[string]string{
		"HERALD_ALLOW_PRIVATE_ADDRESSES": "false", "HERALD_POLL_INTERVAL": "3s",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.AllowPrivateAddresses || cfg.PollInterval.Std() != 3*time.Second {
		t.Errorf("file values not overridden: %+v", cfg)
	}
	if cfg.Feeds[0].PollInterval.Std() != time.Hour || cfg.Feeds[1].PollInterval.Std() != 3*time.Second {
		t.Errorf("feed poll intervals = %s, %s; want the feed's own 1h, then the new default 3s",
			cfg.Feeds[0].PollInterval.Std(), cfg.Feeds[1].PollInterval.Std())
	}
}

func TestEnvFeeds(t *testing.T) {
	for _, c := range []struct {
		name, value string
		want        []Feed
	}{
		{"commas", "a=https://a.example/f,b=http://b.example/f",
			[]Feed{{Handle: "a", URL: "https://a.example/f"}, {Handle: "b", URL: "http://b.example/f"}}},
		{"white space and newlines", " a=https://a.example/f \n\tb=https://b.example/f ,",
			[]Feed{{Handle: "a", URL: "https://a.example/f"}, {Handle: "b", URL: "https://b.example/f"}}},
		{"equals in the query", "a=https://a.example/f?x=1&y=2",
			[]Feed{{Handle: "a", URL: "https://a.example/f?x=1&y=2"}}},
		{"handle lowercased", "News=https://a.example/f",
			[]Feed{{Handle: "news", URL: "https://a.example/f"}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := Load(filepath.Join("testdata", "full.yaml"), env(map[string]string{"HERALD_FEEDS": c.value}))
			if err != nil {
				t.Fatal(err)
			}
			for i := range c.want {
				c.want[i].PollInterval = cfg.PollInterval
			}
			if !reflect.DeepEqual(cfg.Feeds, c.want) {
				t.Errorf("feeds = %+v, want %+v (replacing the file's list)", cfg.Feeds, c.want)
			}
		})
	}
}

func TestInvalid(t *testing.T) {
	const feeds = "feeds:\n  - handle: news\n    url: https://example.org/feed.xml\n"
	const base = "base_url: https://news.example.org\n"
	for _, c := range []struct {
		name, yaml string
		env        map[string]string
		key        string // the error must name it
	}{
		{"missing base_url", feeds, nil, "base_url"},
		{"base_url with path", "base_url: https://example.org/herald\n" + feeds, nil, "base_url"},
		{"base_url with query", "base_url: https://example.org?x=1\n" + feeds, nil, "base_url"},
		{"base_url with fragment", "base_url: https://example.org#x\n" + feeds, nil, "base_url"},
		{"base_url with user", "base_url: https://me@example.org\n" + feeds, nil, "base_url"},
		{"base_url bad scheme", "base_url: ftp://example.org\n" + feeds, nil, "base_url"},
		{"base_url no scheme", "base_url: example.org\n" + feeds, nil, "base_url"},
		{"poll_interval soon", base + "poll_interval: soon\n" + feeds, nil, "poll_interval"},
		{"poll_interval number", base + "poll_interval: 300\n" + feeds, nil, "poll_interval"},
		{"poll_interval 0.5s", base + "poll_interval: 0.5s\n" + feeds, nil, "poll_interval"},
		{"poll_interval negative", base + "poll_interval: -5m\n" + feeds, nil, "poll_interval"},
		{"feed poll_interval soon", base + feeds + "    poll_interval: soon\n", nil, "feeds[0].poll_interval"},
		{"feed poll_interval 0.5s", base + feeds + "    poll_interval: 0.5s\n", nil, "feeds[0].poll_interval"},
		{"fetch_timeout too short", base + "fetch_timeout: 1ms\n" + feeds, nil, "fetch_timeout"},
		{"lease_time not above fetch_timeout", base + "lease_time: 30s\n" + feeds, nil, "lease_time"},
		{"log_level", base + "log_level: loud\n" + feeds, nil, "log_level"},
		{"signed_fetch", base + "signed_fetch: sometimes\n" + feeds, nil, "signed_fetch"},
		{"listen without port", base + "listen: localhost\n" + feeds, nil, "listen"},
		{"allow_private_addresses not a bool", base + "allow_private_addresses: maybe\n" + feeds, nil, "allow_private_addresses"},
		{"duplicate handle", base + feeds + "  - handle: news\n    url: https://example.org/other.xml\n", nil, "feeds[1].handle"},
		{"duplicate handle after case folding", base + feeds + "  - handle: NEWS\n    url: https://example.org/other.xml\n", nil, "feeds[1].handle"},
		{"handle with space", base + "feeds:\n  - handle: my news\n    url: https://example.org/f\n", nil, "feeds[0].handle"},
		{"handle with @", base + "feeds:\n  - handle: news@host\n    url: https://example.org/f\n", nil, "feeds[0].handle"},
		{"handle ending in dot", base + "feeds:\n  - handle: news.\n    url: https://example.org/f\n", nil, "feeds[0].handle"},
		{"handle too long", base + "feeds:\n  - handle: " + strings.Repeat("n", 31) + "\n    url: https://example.org/f\n", nil, "feeds[0].handle"},
		{"handle empty", base + "feeds:\n  - url: https://example.org/f\n", nil, "feeds[0].handle"},
		{"feed url not http", base + "feeds:\n  - handle: news\n    url: file:///etc/passwd\n", nil, "feeds[0].url"},
		{"feed url relative", base + "feeds:\n  - handle: news\n    url: /feed.xml\n", nil, "feeds[0].url"},
		{"unknown key", base + "pol_interval: 5m\n" + feeds, nil, "pol_interval"},
		{"unknown feed key", base + feeds + "    titel: x\n", nil, "feeds[0].titel"},
		{"empty feeds", base + "feeds: []\n", nil, "feeds"},
		{"no feeds", base, nil, "feeds"},
		{"not YAML", "base_url: [\n", nil, "parse config"},
		{"env poll interval", base + feeds, map[string]string{"HERALD_POLL_INTERVAL": "soon"}, "HERALD_POLL_INTERVAL"},
		{"env fetch timeout", base + feeds, map[string]string{"HERALD_FETCH_TIMEOUT": "1 minute"}, "HERALD_FETCH_TIMEOUT"},
		{"env bool", base + feeds, map[string]string{"HERALD_ALLOW_PRIVATE_ADDRESSES": "yes"}, "HERALD_ALLOW_PRIVATE_ADDRESSES"},
		{"env feeds pair", base, map[string]string{"HERALD_FEEDS": "https://example.org/feed.xml"}, "HERALD_FEEDS"},
		{"env feeds bad url", base, map[string]string{"HERALD_FEEDS": "news=example.org/feed"}, "feeds[0].url"},
		{"env base_url path", feeds, map[string]string{"HERALD_BASE_URL": "https://example.org/x"}, "base_url"},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := Load(writeConfig(t, c.yaml), env(c.env))
			if err == nil {
				t.Fatalf("Load accepted %+v", cfg)
			}
			if !strings.Contains(err.Error(), c.key) {
				t.Errorf("error %q does not name %s", err, c.key)
			}
		})
	}
}

func TestHandleFoldedToLowercase(t *testing.T) {
	cfg, err := Load(writeConfig(t, "base_url: https://news.example.org\nfeeds:\n  - handle: \" Tech.News \"\n    url: https://example.org/f\n"), env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Feeds[0].Handle != "tech.news" {
		t.Errorf("handle = %q, want tech.news", cfg.Feeds[0].Handle)
	}
}

func TestLoadMissingFile(t *testing.T) {
	if _, err := Load(filepath.Join(t.TempDir(), "absent.yaml"), env(nil)); err == nil {
		t.Error("Load of a missing file succeeded")
	}
}
