package intake_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"herald/app"
	"herald/apptest"
	"herald/config"
	"herald/fedtest"
)

// pingHerald starts Herald on the WordPress feed with a poll interval of an
// hour, so that only pings cause fetches after the first poll.
func pingHerald(t *testing.T, pingInterval time.Duration) (*apptest.Herald, *apptest.FeedServer, *config.Config) {
	t.Helper()
	feed := apptest.NewFeedServer(t, apptest.Fixture(t, "1-published.feed.rss.xml"))
	cfg := apptest.Config(t, config.Feed{Handle: "news", URL: feed.URL + "/feed/", PollInterval: config.Duration(time.Hour)})
	h := apptest.Start(t, cfg, func(o *app.Options) { o.PingInterval = pingInterval })
	apptest.Eventually(t, 5*time.Second, "first poll", func() bool {
		st, _ := h.Store().FeedState("news")
		return st.Initialised
	})
	return h, feed, cfg
}

// wordPressPing posts body to /ping as WordPress's WP_HTTP_IXR_Client does.
func wordPressPing(t *testing.T, base string, body []byte) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, base+"/ping", bytes.NewReader(body))
	req.Header.Set("Content-Type", "text/xml")
	req.Header.Set("User-Agent", "The Incutio XML-RPC PHP Library -- WordPress/6.1.9")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/xml") {
		t.Fatalf("XML-RPC answer: HTTP %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	return string(answer)
}

// TestWordPressPingDelivers: the extendedPing WordPress sends on publish
// (byte for byte) makes Herald fetch at once and deliver the new post,
// without waiting for the hour-long poll interval.
func TestWordPressPingDelivers(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	h, feed, cfg := pingHerald(t, time.Second)
	alice := apptest.NewPeer(t)
	apptest.Follow(ctx, t, cfg.BaseURL, alice)

	feed.Set(apptest.WithItem(apptest.Fixture(t, "1-published.feed.rss.xml"), "501", "Gepingd", "Via de pingdienst."))
	body, err := os.ReadFile("../xmlrpc/testdata/wordpress-extendedPing.xml")
	if err != nil {
		t.Fatal(err)
	}
	answer := wordPressPing(t, cfg.BaseURL, body)
	if !strings.Contains(answer, "<name>flerror</name><value><boolean>0</boolean>") {
		t.Fatalf("answer is not a success struct:\n%s", answer)
	}
	apptest.WaitVerified(ctx, t, alice, "Create", func(d fedtest.Delivery) bool {
		c, _ := d.Object()["content"].(string)
		return strings.Contains(c, "Gepingd")
	})
	if p, found, _ := h.Store().LastPing("news"); !found || p.Via != "xmlrpc weblogUpdates.extendedPing" || p.Source != "http://127.0.0.1:8081/" {
		t.Fatalf("last ping = %+v (found %v)", p, found)
	}

	// A ping for a site Herald does not serve is a fault and fetches nothing.
	before := feed.Fetches()
	unknown := bytes.ReplaceAll(body, []byte("127.0.0.1:8081"), []byte("elsewhere.example"))
	if answer := wordPressPing(t, cfg.BaseURL, unknown); !strings.Contains(answer, "<fault>") || !strings.Contains(answer, "<int>404</int>") {
		t.Fatalf("unknown site answered:\n%s", answer)
	}
	if answer := wordPressPing(t, cfg.BaseURL, []byte(`<?xml version="1.0"?><methodCall><methodName>system.listMethods</methodName></methodCall>`)); !strings.Contains(answer, "<int>-32601</int>") {
		t.Fatalf("unknown method answered:\n%s", answer)
	}
	time.Sleep(200 * time.Millisecond)
	if n := feed.Fetches(); n != before {
		t.Fatalf("bad pings caused %d fetches", n-before)
	}
}

// TestPingFloodCostsTwoFetches: 1,000 pings for one site cause one fetch at
// once and one at the end of the interval. (On a loaded machine the burst
// itself may outlast an interval; each interval it spans may then add one.)
func TestPingFloodCostsTwoFetches(t *testing.T) {
	const interval = 2 * time.Second
	_, feed, cfg := pingHerald(t, interval)
	before := feed.Fetches()
	start := time.Now()
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 250 {
				resp, err := http.PostForm(cfg.BaseURL+"/ping", url.Values{"url": {"https://www.127.0.0.1:8081"}})
				if err != nil {
					t.Error(err)
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		})
	}
	wg.Wait()
	burst := time.Since(start)
	time.Sleep(interval + 500*time.Millisecond) // the deferred poll has run
	n := feed.Fetches() - before
	allowed := 2 + int((burst+interval-1)/interval) // one at once, one per interval the burst spans, one after
	if burst < interval {
		allowed = 2
	}
	if n < 2 || n > allowed {
		t.Fatalf("1,000 pings in %s caused %d fetches, want 2 to %d", burst.Round(time.Millisecond), n, allowed)
	}
	t.Logf("1,000 pings in %s caused %d fetches", burst.Round(time.Millisecond), n)
}

// pingCase is one request of TestPlainPingAndWebSubPublish.
type pingCase struct {
	name, path string
	form       url.Values
	want       int
	coalesced  bool // with 202: the fetch runs at the end of the interval
	pause      bool // pause the feed first
}

// pingCases are the requests of TestPlainPingAndWebSubPublish, in order,
// for the site served at site.
func pingCases(site string) []pingCase {
	return []pingCase{
		{name: "feed URL", path: "/ping?url=" + url.QueryEscape(site+"/feed/"), want: 202},
		{name: "again within the interval", path: "/ping", form: url.Values{"url": {site + "/feed"}}, want: 202, coalesced: true},
		{name: "unknown site", path: "/ping", form: url.Values{"url": {"https://elsewhere.example/"}}, want: 404},
		{name: "no url", path: "/ping", form: url.Values{}, want: 400},
		{name: "not a URL", path: "/ping", form: url.Values{"url": {"javascript:alert(1)"}}, want: 400},
		{name: "websub publish", path: "/websub", form: url.Values{"hub.mode": {"publish"}, "hub.url": {site + "/feed/"}}, want: 204},
		{name: "websub subscribe refused", path: "/websub", form: url.Values{"hub.mode": {"subscribe"}, "hub.topic": {site + "/feed/"}}, want: 400},
		{name: "websub unknown topic", path: "/websub", form: url.Values{"hub.mode": {"publish"}, "hub.url": {"https://elsewhere.example/feed"}}, want: 404},
		{name: "paused feed", path: "/ping", form: url.Values{"url": {site + "/feed/"}}, want: 429, pause: true},
	}
}

// TestPlainPingAndWebSubPublish checks the statuses of the plain ping API
// and of WebSub publish notifications: a ping within the interval joins
// the fetch already scheduled (202, with when it runs, not a refusal); a
// ping for a paused feed is refused (429 with Retry-After).
func TestPlainPingAndWebSubPublish(t *testing.T) {
	h, feed, cfg := pingHerald(t, time.Minute)
	before := feed.Fetches()
	start := time.Now()
	for _, tc := range pingCases(feed.URL) {
		t.Run(tc.name, func(t *testing.T) {
			if tc.pause {
				if err := h.Store().SetPaused("news", true, time.Now()); err != nil {
					t.Fatal(err)
				}
			}
			resp, err := http.PostForm(cfg.BaseURL+tc.path, tc.form)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.want {
				t.Fatalf("HTTP %d %s, want %d", resp.StatusCode, body, tc.want)
			}
			if tc.want == 429 && resp.Header.Get("Retry-After") == "" {
				t.Fatal("429 without Retry-After")
			}
			if tc.want == 202 {
				checkFetchAt(t, body, tc.coalesced, start)
			}
		})
	}
	apptest.Eventually(t, 2*time.Second, "the pinged fetch", func() bool { return feed.Fetches() > before })
}

// checkFetchAt checks the body of a 202 to a plain ping: coalesced as
// wanted, and fetch_at about start, or a minute (the ping interval) later
// when coalesced.
func checkFetchAt(t *testing.T, body []byte, coalesced bool, start time.Time) {
	t.Helper()
	var got struct {
		FetchAt   time.Time `json:"fetch_at"`
		Coalesced bool      `json:"coalesced"`
	}
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatalf("202 body %q: %v", body, err)
	}
	wantAt := start
	if coalesced {
		wantAt = start.Add(time.Minute)
	}
	if got.Coalesced != coalesced || got.FetchAt.Before(wantAt.Add(-time.Second)) || got.FetchAt.After(wantAt.Add(5*time.Second)) {
		t.Fatalf("202 body %s, want coalesced %v and fetch_at about %s", body, coalesced, wantAt.UTC().Format(time.RFC3339))
	}
}

// TestFeedNamingHeraldAsHub: a feed whose rel="hub" is Herald's own
// /websub is not subscribed to (Herald is told directly), and its
// publisher's publish notification is fetched at once.
func TestFeedNamingHeraldAsHub(t *testing.T) {
	feed := apptest.NewFeedServer(t, nil)
	cfg := apptest.Config(t, config.Feed{Handle: "news", URL: feed.URL + "/feed/", PollInterval: config.Duration(time.Hour)})
	body := bytes.Replace(apptest.Fixture(t, "1-published.feed.rss.xml"), []byte("<channel>"),
		[]byte(`<channel><atom:link rel="hub" href="`+cfg.BaseURL+`/websub"/>`), 1)
	feed.Set(body)
	h := apptest.Start(t, cfg, nil)
	apptest.Eventually(t, 5*time.Second, "first poll", func() bool { st, _ := h.Store().FeedState("news"); return st.Initialised })
	if st, _ := h.Store().FeedState("news"); st.Hub != cfg.BaseURL+"/websub" {
		t.Fatalf("hub = %q", st.Hub)
	}
	if sub, _ := h.Store().Subscription("news"); sub.Hub != "" {
		t.Fatalf("Herald subscribed to itself: %+v", sub)
	}
	before := feed.Fetches()
	resp, err := http.PostForm(cfg.BaseURL+"/websub", url.Values{"hub.mode": {"publish"}, "hub.url": {feed.URL + "/feed/"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("publish: HTTP %d", resp.StatusCode)
	}
	apptest.Eventually(t, 3*time.Second, "the notified fetch", func() bool { return feed.Fetches() > before })
}
