package server_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"herald/app"
	"herald/apptest"
	"herald/fedtest"
)

// TestEveryIDAnswers crawls what Herald publishes, starting at the actor,
// and checks that every id it finds answers an unsigned GET with a JSON-LD
// document carrying that id (the Accept, Create and Update it delivered
// too), and that with redirect_browsers_to_site browsers are sent to the
// website or the article.
func TestEveryIDAnswers(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// redirect_browsers_to_site keeps today's redirect of browsers, which
	// otherwise get the profile and post pages (profile_test.go).
	_, feed, alice, urls := apptest.Followed(ctx, t, func(o *app.Options) { o.Config.RedirectBrowsersToSite = true })
	feed.Set(apptest.Fixture(t, "2-edited.feed.rss.xml"))
	apptest.WaitVerified(ctx, t, alice, "Update", func(fedtest.Delivery) bool { return true })

	ids := []string{urls.Actor("news"), urls.InstanceActor(), urls.InstanceActor() + "/outbox",
		urls.Outbox("news"), urls.Outbox("news") + "?page=true", urls.Followers("news"), urls.Following("news"), urls.Featured("news")}
	for _, d := range alice.Deliveries() {
		ids = append(ids, d.Activity["id"].(string))
	}
	page := apptest.GetJSON(t, urls.Outbox("news")+"?page=true", "application/activity+json")
	items, _ := page["orderedItems"].([]any)
	if len(items) != 6 { // five Creates from the first poll, one Update
		t.Fatalf("outbox page has %d items, want 6", len(items))
	}
	for _, it := range items {
		act := it.(map[string]any)
		ids = append(ids, act["id"].(string), act["object"].(map[string]any)["id"].(string))
	}
	for _, id := range ids {
		doc := apptest.GetJSON(t, id, "application/activity+json")
		if want, _, _ := strings.Cut(id, "?"); doc["id"] != id && doc["id"] != want {
			t.Errorf("GET %s answered id %v", id, doc["id"])
		}
		if !strings.Contains(string(apptest.MustJSON(t, doc["@context"])), "https://www.w3.org/ns/activitystreams") {
			t.Errorf("GET %s: no ActivityStreams @context", id)
		}
	}

	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, id := range []string{urls.Actor("news"), urls.Object("news", "http://127.0.0.1:8081/?p=4")} {
		req, _ := http.NewRequest(http.MethodGet, id, nil)
		req.Header.Set("Accept", "text/html,application/xhtml+xml")
		resp, err := noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "http://127.0.0.1:8081") {
			t.Errorf("browser GET %s: HTTP %d to %q, want 303 to the site", id, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
}
