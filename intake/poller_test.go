package intake_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"herald/app"
	"herald/apptest"
	"herald/config"
	"herald/outbound"
)

// badFeedErrors are the feeds badFeeds serves, by handle and path, and
// what each one's last error must say.
var badFeedErrors = map[string]string{
	"malformed": "malformed",
	"html":      "not a feed",
	"missing":   "404",
	"error":     "500",
	"hang":      "timeout",
}

// badFeeds serves a malformed feed, an HTML page, a 404, a 500 and a
// request that hangs until release is closed or the client gives up.
func badFeeds(release <-chan struct{}) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/malformed":
			w.Header().Set("Content-Type", "application/rss+xml")
			_, _ = w.Write([]byte(`<?xml version="1.0"?><rss version="2.0"><channel><title>broken</ti`))
		case "/html":
			w.Header().Set("Content-Type", "text/html")
			_, _ = w.Write([]byte(`<!doctype html><html><head><title>Home</title></head><body>Welcome</body></html>`))
		case "/missing":
			http.NotFound(w, r)
		case "/error":
			http.Error(w, "database down", http.StatusInternalServerError)
		case "/hang":
			select {
			case <-release:
			case <-r.Context().Done():
			}
		}
	}
}

// TestBadFeedsAreReportedAndIsolated: feeds that are malformed, HTML, 404,
// 500 or hanging each get a clear error in their state, while a good feed
// beside them is polled and the server keeps answering.
func TestBadFeedsAreReportedAndIsolated(t *testing.T) {
	release := make(chan struct{})
	bad := httptest.NewServer(badFeeds(release))
	defer bad.Close()
	defer close(release)
	good := apptest.NewFeedServer(t, apptest.Fixture(t, "1-published.feed.rss.xml"))
	cfg := apptest.Config(t,
		config.Feed{Handle: "malformed", URL: bad.URL + "/malformed"},
		config.Feed{Handle: "html", URL: bad.URL + "/html"},
		config.Feed{Handle: "missing", URL: bad.URL + "/missing"},
		config.Feed{Handle: "error", URL: bad.URL + "/error"},
		config.Feed{Handle: "hang", URL: bad.URL + "/hang"},
		config.Feed{Handle: "good", URL: good.URL},
	)
	cfg.FetchTimeout = config.Duration(500 * time.Millisecond)
	h := apptest.Start(t, cfg, nil)

	apptest.Eventually(t, 10*time.Second, "every feed polled", func() bool {
		for handle := range badFeedErrors {
			if st, _ := h.Store().FeedState(handle); st.LastError == "" {
				return false
			}
		}
		st, _ := h.Store().FeedState("good")
		return st.Initialised
	})
	for handle, reason := range badFeedErrors {
		st, _ := h.Store().FeedState(handle)
		if !strings.Contains(strings.ToLower(st.LastError), reason) {
			t.Errorf("%s: last error %q does not say %q", handle, st.LastError, reason)
		}
		if st.Initialised || st.Failures < 1 {
			t.Errorf("%s: state %+v after failing polls", handle, st)
		}
	}
	resp, err := http.Get(cfg.BaseURL + "/.well-known/webfinger?resource=acct:good@" + cfg.Host())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("webfinger while feeds fail: HTTP %d", resp.StatusCode)
	}
}

// TestPrivateAddressesRefusedByDefault: without allow_private_addresses, a
// feed on loopback is not fetched, and the state says why.
func TestPrivateAddressesRefusedByDefault(t *testing.T) {
	feed := apptest.NewFeedServer(t, apptest.Fixture(t, "1-published.feed.rss.xml"))
	cfg := apptest.Config(t, config.Feed{Handle: "news", URL: feed.URL})
	cfg.AllowPrivateAddresses = false
	h := apptest.Start(t, cfg, func(o *app.Options) {
		o.Client = outbound.NewClient(outbound.Options{AllowPrivate: false, Timeout: time.Second})
	})
	apptest.Eventually(t, 5*time.Second, "the refused poll", func() bool {
		st, _ := h.Store().FeedState("news")
		return st.LastError != ""
	})
	st, _ := h.Store().FeedState("news")
	if !strings.Contains(st.LastError, "not public") {
		t.Fatalf("last error %q does not name the refused address", st.LastError)
	}
	if n := feed.Fetches(); n != 0 {
		t.Fatalf("the loopback feed was fetched %d times", n)
	}
}
