package intake_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"herald/app"
	"herald/apptest"
	"herald/config"
	"herald/fedtest"
)

// BenchmarkIntake measures the time from a change at the source to the
// first delivery attempt reaching a follower (median of 20), for a ping
// (POST /ping) and, as the baseline in the same run, for the fastest
// polling Herald allows (poll_interval 1s, no ping).
//
//	go test ./intake -run '^$' -bench Intake -benchtime 1x
func BenchmarkIntake(b *testing.B) {
	for _, mode := range []string{"ping", "poll-1s"} {
		b.Run(mode, func(b *testing.B) {
			for range b.N {
				median := intakeMedian(b, mode, 20)
				b.ReportMetric(float64(median.Microseconds())/1000, "ms/median")
			}
		})
	}
}

func intakeMedian(b *testing.B, mode string, rounds int) time.Duration {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	feed := apptest.NewFeedServer(b, apptest.Fixture(b, "1-published.feed.rss.xml"))
	interval := time.Hour
	if mode == "poll-1s" {
		interval = time.Second
	}
	cfg := apptest.Config(b, config.Feed{Handle: "news", URL: feed.URL + "/feed/", PollInterval: config.Duration(interval)})
	h := apptest.Start(b, cfg, func(o *app.Options) { o.PingInterval = time.Millisecond })
	defer h.Stop()
	alice, err := fedtest.New()
	if err != nil {
		b.Fatal(err)
	}
	defer alice.Close()
	apptest.Eventually(b, 5*time.Second, "first poll", func() bool { st, _ := h.Store().FeedState("news"); return st.Initialised })
	resp, err := alice.Post(ctx, cfg.BaseURL+"/users/news/inbox", alice.Follow(cfg.BaseURL+"/users/news", "1"))
	if err != nil || resp.StatusCode != http.StatusAccepted {
		b.Fatalf("follow: %v %v", err, resp)
	}
	resp.Body.Close()
	body := apptest.Fixture(b, "1-published.feed.rss.xml")
	var took []time.Duration
	b.ResetTimer()
	for i := range rounds {
		title := "Intake " + strconv.Itoa(i)
		body = apptest.WithItem(body, strconv.Itoa(1000+i), title, "Bench.")
		feed.Set(body)
		start := time.Now()
		if mode == "ping" {
			r, err := http.PostForm(cfg.BaseURL+"/ping", url.Values{"url": {feed.URL + "/feed/"}})
			if err != nil {
				b.Fatal(err)
			}
			r.Body.Close()
		}
		if _, err := alice.WaitFor(ctx, func(d fedtest.Delivery) bool {
			c, _ := d.Object()["content"].(string)
			return d.Type() == "Create" && strings.Contains(c, title+"<")
		}); err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(took)
	return took[len(took)/2]
}
