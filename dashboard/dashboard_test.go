package dashboard

import (
	"bytes"
	"html/template"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
)

var now = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

func TestAccountPage(t *testing.T) {
	p, err := New()
	if err != nil {
		t.Fatal(err)
	}
	page := AccountPage{
		Account: Account{Handle: "news", Name: "Ministerie <van> Voorbeeldzaken", Followers: 3, Posts: 2,
			Health: Health{LastAttempt: now.Add(-time.Minute), LastSuccess: now.Add(-time.Minute)}},
		Now:               now,
		FollowersOverTime: []Point{{At: now.AddDate(0, 0, -10), Value: 1}, {At: now, Value: 3}},
		NewPerWeek:        []WeekCount{{Start: now.AddDate(0, 0, -7), Count: 2}},
		Posts:             []Post{{Title: `<script>alert(1)</script>Dijken`, URL: "https://example.org/a", Likes: 4, Boosts: 2, Delivered: 10, Pending: 1, Failed: 2}},
		Replies:           []Reply{{Author: "Alice", AuthorURL: "https://social.example/@alice", Content: template.HTML("<p>Goed nieuws!</p>"), At: now}},
	}
	page.TopPosts = page.Posts
	var out bytes.Buffer
	if err := p.Account(&out, page); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{
		"Ministerie &lt;van&gt; Voorbeeldzaken", "&lt;script&gt;alert(1)&lt;/script&gt;Dijken", "Working. Last read 1 minutes ago.",
		`<svg class="chart"`, "From 1 on 16 Nov 2026 to 3 on 26 Nov 2026; highest 3.", "<p>Goed nieuws!</p>", "(2 failed)", "(1 pending)",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(got, "<script>") {
		t.Error("a title was not escaped")
	}
	if _, err := html.Parse(strings.NewReader(got)); err != nil {
		t.Fatal(err)
	}
}

func TestHealthWords(t *testing.T) {
	tests := []struct {
		name string
		h    Health
		want string
	}{
		{name: "never polled", h: Health{}, want: "Not checked yet"},
		{name: "working", h: Health{LastAttempt: now, LastSuccess: now.Add(-3 * time.Hour)}, want: "Working. Last read 3 hours ago."},
		{name: "moved", h: Health{LastAttempt: now, LastError: "GET https://x/feed: HTTP 404 Not Found", Failures: 3}, want: "it may have moved"},
		{name: "timeout", h: Health{LastAttempt: now, LastSuccess: now.AddDate(0, 0, -3), LastError: "fetch x: timeout after 30s", Failures: 9}, want: "last read successfully 3 days ago"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.h.Words(now); !strings.Contains(got, tc.want) {
				t.Fatalf("%q lacks %q", got, tc.want)
			}
		})
	}
}

func TestEmptyChart(t *testing.T) {
	if got := string(LineChart("Followers", nil)); !strings.Contains(got, "No data yet") {
		t.Fatalf("empty chart: %s", got)
	}
}

// TestOverviewRelays: the overview lists the relays with their state in
// words and the reason of a failure, escaped; without relays (publishers)
// there is no relays table.
func TestOverviewRelays(t *testing.T) {
	p, err := New()
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 7, 9, 30, 0, 0, time.UTC)
	var b strings.Builder
	err = p.Overview(&b, OverviewPage{Now: at, Relays: []Relay{
		{URL: "https://relay.example/inbox", Flavour: "mastodon", State: "accepted", Since: at, Feeds: []string{"news", "weather"}},
		{URL: "https://lp.example/actor", Flavour: "litepub", State: "failing", LastError: "fetch <actor>: 404", Since: at},
	}})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<h2>Relays</h2>", "Mastodon-style relay", "LitePub relay", `<span class="ok">Accepted</span>`,
		`<span class="bad">Failing</span>`, "fetch &lt;actor&gt;: 404", "@news, @weather", `datetime="2026-12-07T09:30:00Z"`} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("overview lacks %q", want)
		}
	}
	b.Reset()
	if err := p.Overview(&b, OverviewPage{Now: at}); err != nil || strings.Contains(b.String(), "Relays") {
		t.Errorf("overview without relays shows them (%v)", err)
	}
}
