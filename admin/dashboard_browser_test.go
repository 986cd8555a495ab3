package admin_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"herald/actor"
	"herald/apptest"
	"herald/apptest/browser"
	"herald/config"
)

// TestDashboardInBrowser signs in to the statistics pages in a real
// headless Chromium, opens an account, checks that the page and its chart
// render, and saves a screenshot to artifacts/dashboard-account.png.
func TestDashboardInBrowser(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	browserCtx := browser.Start(ctx, t, 1000, 1400)
	cfg := dashboardHerald(ctx, t)
	p := browseDashboard(browserCtx, t, cfg.BaseURL)
	if !strings.Contains(p.loginError, "not valid") {
		t.Errorf("wrong token: %q", p.loginError)
	}
	if !strings.Contains(p.heading, "Ministerie van Voorbeeldzaken") || p.followers != "Followers: 1" {
		t.Errorf("heading %q, followers %q", p.heading, p.followers)
	}
	if !strings.Contains(p.chartDesc, "highest 1") {
		t.Errorf("chart description %q", p.chartDesc)
	}
	if !strings.Contains(p.posts, "Kabinet investeert € 5 miljoen in waterveiligheid") {
		t.Errorf("posts table lacks a post:\n%s", p.posts)
	}
	if !strings.Contains(p.top, "Kabinet investeert") || !strings.Contains(p.top, "1 likes, 1 replies") {
		t.Errorf("top posts: %q", p.top)
	}
	if !strings.Contains(p.replies, "Goed nieuws voor de dijken!") {
		t.Errorf("recent replies: %q", p.replies)
	}
	browser.SaveScreenshot(t, "dashboard-account.png", p.shot)
}

// dashboardHerald runs Herald with a publisher token for news, whose post
// ?p=4 alice follows, likes and replies to, and returns its config.
func dashboardHerald(ctx context.Context, t *testing.T) *config.Config {
	t.Helper()
	feed := apptest.NewFeedServer(t, apptest.Fixture(t, "1-published.feed.rss.xml"))
	cfg := apptest.Config(t, config.Feed{Handle: "news", URL: feed.URL})
	cfg.AdminTokens = []config.AdminToken{{Token: apptest.PublisherToken, Role: config.RolePublisher, Actors: []string{"news"}}}
	h := apptest.Start(t, cfg, nil)
	alice := apptest.NewPeer(t)
	apptest.Follow(ctx, t, cfg.BaseURL, alice)
	apptest.Eventually(t, 5*time.Second, "first poll", func() bool { st, _ := h.Store().FeedState("news"); return st.Initialised })
	post := actor.URLs{Base: cfg.BaseURL}.Object("news", "http://127.0.0.1:8081/?p=4")
	apptest.PostStatus(ctx, t, alice, cfg.BaseURL+"/inbox", map[string]any{
		"@context": "https://www.w3.org/ns/activitystreams", "id": alice.ActorID() + "#likes/1", "type": "Like",
		"actor": alice.ActorID(), "object": post,
	}, http.StatusAccepted)
	apptest.PostStatus(ctx, t, alice, cfg.BaseURL+"/inbox", map[string]any{
		"@context": "https://www.w3.org/ns/activitystreams", "id": alice.ActorID() + "/statuses/1/activity", "type": "Create",
		"actor": alice.ActorID(), "to": []string{"https://www.w3.org/ns/activitystreams#Public"},
		"object": map[string]any{"id": alice.ActorID() + "/statuses/1", "type": "Note", "attributedTo": alice.ActorID(),
			"inReplyTo": post, "content": "<p>Goed nieuws voor de dijken!</p>", "published": time.Now().UTC().Format(time.RFC3339),
			"to": []string{"https://www.w3.org/ns/activitystreams#Public"}},
	}, http.StatusAccepted)
	return cfg
}

// dashboardPage is what the browser read from the pages.
type dashboardPage struct {
	loginError                                         string // after a wrong token
	heading, followers, posts, top, replies, chartDesc string // of news's page
	shot                                               []byte // news's page, as PNG
}

// browseDashboard signs in at base's /admin/ in the browser of
// browserCtx, first with a wrong token, then with the publisher's, opens
// news's page and reads it.
func browseDashboard(browserCtx context.Context, t *testing.T, base string) dashboardPage {
	t.Helper()

	do := func(steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(browserCtx, steps...); err != nil {
			t.Fatal(err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(browserCtx, chromedp.Text(sel))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return s
	}
	do(chromedp.Navigate(base+"/admin/"), chromedp.WaitVisible(`#token`),
		chromedp.SendKeys(`#token`, "not-the-token"), chromedp.Submit(`#token`), chromedp.WaitVisible(`.error`))
	loginError := text(`.error`)
	do(chromedp.SendKeys(`#token`, apptest.PublisherToken), chromedp.Submit(`#token`),
		chromedp.WaitVisible(`a[href="/admin/actors/news"]`), chromedp.Click(`a[href="/admin/actors/news"]`),
		chromedp.WaitVisible(`svg.chart`))
	heading, followers, posts := text(`h1`), text(`#followers`), text(`#posts + table`)
	top, replies := text(`#top + ol`), text(`section[aria-labelledby="replies"]`)
	chartDesc, err := chromedp.Run(browserCtx, chromedp.TextContent(`svg.chart desc`)) // not rendered, so not innerText
	if err != nil {
		t.Fatal(err)
	}
	shot, err := chromedp.Run(browserCtx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	return dashboardPage{loginError: loginError, heading: heading, followers: followers, posts: posts, top: top,
		replies: replies, chartDesc: chartDesc, shot: shot}
}
