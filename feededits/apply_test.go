package feededits_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"herald/config"
	"herald/feededits"
	"herald/store"
)

// baseConfig is a replica's own configuration: two feeds from its
// environment, as HERALD_FEEDS gives them.
func baseConfig(t *testing.T) *config.Config {
	t.Helper()
	env := map[string]string{
		"HERALD_BASE_URL": "https://news.example.org",
		"HERALD_FEEDS":    "news=https://www.example.org/feed/,weather=https://www.example.org/weather.xml",
	}
	cfg, err := config.Load("", func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func handles(cfg *config.Config) string {
	var hs []string
	for _, f := range cfg.Feeds {
		hs = append(hs, f.Handle)
	}
	return strings.Join(hs, ",")
}

// applyCases: the edits, in order, and the feeds (and skipped edits)
// every replica ends up with.
var applyCases = []struct {
	name    string
	edits   []store.FeedEdit
	want    string
	skipped int
}{
	{"none", nil, "news,weather", 0},
	{"add", []store.FeedEdit{{Op: store.FeedEditAdd, Handle: "Roads", URL: "https://www.example.org/roads.xml"}}, "news,weather,roads", 0},
	{"remove", []store.FeedEdit{{Op: store.FeedEditRemove, Handle: "weather"}}, "news", 0},
	{"add then remove", []store.FeedEdit{
		{Op: store.FeedEditAdd, Handle: "roads", URL: "https://www.example.org/roads.xml"},
		{Op: store.FeedEditRemove, Handle: "roads"},
	}, "news,weather", 0},
	{"add of a handle the file has", []store.FeedEdit{{Op: store.FeedEditAdd, Handle: "news", URL: "https://other.example/feed"}}, "news,weather", 1},
	{"update of a feed the file lost", []store.FeedEdit{{Op: store.FeedEditUpdate, Handle: "gone", Name: "Gone"}}, "news,weather", 1},
	{"add with a URL that is no URL", []store.FeedEdit{{Op: store.FeedEditAdd, Handle: "roads", URL: "not a url"}}, "news,weather", 1},
	{"removing every feed", []store.FeedEdit{
		{Op: store.FeedEditRemove, Handle: "news"},
		{Op: store.FeedEditRemove, Handle: "weather"},
	}, "weather", 1},
	{"an invalid handle", []store.FeedEdit{{Op: store.FeedEditAdd, Handle: "no spaces", URL: "https://www.example.org/x.xml"}}, "news,weather", 1},
}

func TestApply(t *testing.T) {
	for _, c := range applyCases {
		t.Run(c.name, func(t *testing.T) {
			base := baseConfig(t)
			before := slices.Clone(base.Feeds)
			got, skipped := feededits.Apply(base, c.edits)
			if handles(got) != c.want || len(skipped) != c.skipped {
				t.Errorf("feeds %q, skipped %v; want %q and %d skipped", handles(got), skipped, c.want, c.skipped)
			}
			if !slices.EqualFunc(base.Feeds, before, func(a, b config.Feed) bool { return a.Handle == b.Handle && a.URL == b.URL }) {
				t.Errorf("Apply changed its base: %v", base.Feeds)
			}
		})
	}
}

// TestApplyUpdate: an update sets the fields it names and leaves the
// others; a new feed polls at the configured interval.
func TestApplyUpdate(t *testing.T) {
	base := baseConfig(t)
	got, skipped := feededits.Apply(base, []store.FeedEdit{
		{Op: store.FeedEditUpdate, Handle: "news", Name: "Nieuws", At: time.Now()},
		{Op: store.FeedEditUpdate, Handle: "news", Summary: "Press releases"},
		{Op: store.FeedEditAdd, Handle: "roads", URL: "https://www.example.org/roads.xml"},
	})
	if len(skipped) != 0 {
		t.Fatal(skipped)
	}
	news := got.Feeds[0]
	if news.Name != "Nieuws" || news.Summary != "Press releases" || news.URL != "https://www.example.org/feed/" {
		t.Errorf("news = %+v", news)
	}
	if roads := got.Feeds[2]; roads.PollInterval != base.PollInterval || roads.PollInterval == 0 {
		t.Errorf("roads polls every %v, want %v", roads.PollInterval.Std(), base.PollInterval.Std())
	}
}
