package server_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"herald/apptest"
	"herald/config"
)

// TestTagPage: the default hashtag links of posts lead to a public page
// that lists the posts carrying the tag, in any letter case.
func TestTagPage(t *testing.T) {
	feed := apptest.NewFeedServer(t, apptest.Fixture(t, "1-published.feed.rss.xml"))
	cfg := apptest.Config(t, config.Feed{Handle: "news", URL: feed.URL})
	h := apptest.Start(t, cfg, nil)
	apptest.Eventually(t, 5*time.Second, "first poll", func() bool { st, _ := h.Store().FeedState("news"); return st.Initialised })
	get := func(path string) (int, string) {
		resp, err := http.Get(cfg.BaseURL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	post := apptest.GetJSON(t, cfg.BaseURL+"/users/news/outbox?page=true", "application/activity+json")
	var href string
	for _, it := range post["orderedItems"].([]any) {
		tags, _ := it.(map[string]any)["object"].(map[string]any)["tag"].([]any)
		for _, tag := range tags {
			if tag, _ := tag.(map[string]any); tag["name"] == "#Persberichten" {
				href, _ = tag["href"].(string)
			}
		}
	}
	if !strings.HasPrefix(href, cfg.BaseURL+"/tags/") {
		t.Fatalf("no #Persberichten tag linking to this server (href %q)", href)
	}
	status, body := get(strings.TrimPrefix(href, cfg.BaseURL))
	if status != http.StatusOK || !strings.Contains(body, "Nieuwe regels voor dijken") || !strings.Contains(body, "@news") {
		t.Fatalf("tag page: HTTP %d\n%s", status, body)
	}
	if status, body := get("/tags/PERSBERICHTEN"); status != http.StatusOK || !strings.Contains(body, "Nieuwe regels voor dijken") {
		t.Fatalf("tag page in capitals: HTTP %d", status)
	}
	if _, body := get("/tags/nothing-here"); !strings.Contains(body, "No posts with this hashtag yet.") {
		t.Fatalf("empty tag page:\n%s", body)
	}
}
