package accounts_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"herald/actor"
	"herald/apptest"
	"herald/config"
	"herald/fedtest"
)

// TestConfiguredProfileAndPosts runs Herald with every profile and post
// setting and checks the actor, its collections and the posts it made.
func TestConfiguredProfileAndPosts(t *testing.T) {
	feed := apptest.NewFeedServer(t, apptest.Fixture(t, "1-published.feed.rss.xml"))
	cfg := apptest.Config(t, configuredFeed(feed.URL))
	h := apptest.Start(t, cfg, nil)
	apptest.Eventually(t, 5*time.Second, "first poll", func() bool {
		st, _ := h.Store().FeedState("news")
		return st.Initialised
	})
	urls := actor.URLs{Base: cfg.BaseURL}
	checkConfiguredActor(t, urls)
	checkConfiguredCollections(t, urls)
	checkConfiguredPost(t, urls)
}

// configuredFeed is the feed news at url with every profile and post
// setting.
func configuredFeed(url string) config.Feed {
	no := false
	return config.Feed{Handle: "news", URL: url,
		Profile: config.Profile{
			Avatar: "https://example.org/logo.png", Header: "https://example.org/header.jpg", ActorType: "Organization",
			Fields:       []config.ProfileField{{Name: "Website", Value: "http://127.0.0.1:8081"}, {Name: "Contact", Value: "pers@example.org"}},
			Indexable:    &no,
			Featured:     []string{"http://127.0.0.1:8081/2026/11/26/kabinet-investeert-e-5-miljoen-in-waterveiligheid/", "http://127.0.0.1:8081/?p=10", "https://example.org/missing"},
			FeaturedTags: []string{"Water & Klimaat"}, ShowFollowers: true,
		},
		Posts: config.Posts{ObjectType: "Article", ContentWarnings: map[string]string{"Multimedia": "Video"}, Language: "nl"},
	}
}

// checkConfiguredActor: the actor shows configuredFeed's profile.
func checkConfiguredActor(t *testing.T, urls actor.URLs) {
	t.Helper()
	a := apptest.GetJSON(t, urls.Actor("news"), "application/activity+json")
	for key, want := range map[string]any{
		"type": "Organization", "name": "Ministerie van Voorbeeldzaken", "indexable": false, "discoverable": true,
		"published": "2026-11-26T01:33:27Z", "featuredTags": urls.FeaturedTags("news"),
	} {
		if a[key] != want {
			t.Errorf("actor %s = %v, want %v", key, a[key], want)
		}
	}
	if icon, _ := a["icon"].(map[string]any); icon["url"] != "https://example.org/logo.png" {
		t.Errorf("icon = %v", a["icon"])
	}
	if img, _ := a["image"].(map[string]any); img["url"] != "https://example.org/header.jpg" {
		t.Errorf("image = %v", a["image"])
	}
	if d, _ := a["attributionDomains"].([]any); len(d) != 1 || d[0] != "127.0.0.1" {
		t.Errorf("attributionDomains = %v", a["attributionDomains"])
	}
	fields, _ := a["attachment"].([]any)
	if len(fields) != 2 || !strings.Contains(fields[0].(map[string]any)["value"].(string), `rel="me`) {
		t.Errorf("profile fields = %v, want the website with rel=me first", fields)
	}

}

// checkConfiguredCollections: the pinned posts that exist, the featured
// tag and the followers listed.
func checkConfiguredCollections(t *testing.T, urls actor.URLs) {
	t.Helper()
	featured := apptest.GetJSON(t, urls.Featured("news"), "application/activity+json")
	var pinned []string
	for _, it := range featured["orderedItems"].([]any) {
		pinned = append(pinned, it.(map[string]any)["id"].(string))
	}
	want := []string{urls.Object("news", "http://127.0.0.1:8081/?p=4"), urls.Object("news", "http://127.0.0.1:8081/?p=10")}
	if !slices.Equal(pinned, want) {
		t.Errorf("featured = %v, want %v", pinned, want)
	}
	tags := apptest.GetJSON(t, urls.FeaturedTags("news"), "application/activity+json")
	if items, _ := tags["items"].([]any); len(items) != 1 || items[0].(map[string]any)["name"] != "#WaterKlimaat" {
		t.Errorf("featured tags = %v", tags["items"])
	}
	followers := apptest.GetJSON(t, urls.Followers("news"), "application/activity+json")
	if _, listed := followers["orderedItems"]; !listed {
		t.Errorf("followers not listed with show_followers: %v", followers)
	}

}

// checkConfiguredPost: a post is an Article with its content warning,
// name and language.
func checkConfiguredPost(t *testing.T, urls actor.URLs) {
	t.Helper()
	video := apptest.GetJSON(t, urls.Object("news", "http://127.0.0.1:8081/?p=6"), "application/activity+json")
	if video["type"] != "Article" || video["summary"] != nil && video["sensitive"] != true || video["name"] != "Video en foto: de Oosterscheldekering" {
		t.Errorf("post = %v", video)
	}
	if preview, _ := video["preview"].(map[string]any); preview["summary"] != "Video" || preview["sensitive"] != true {
		t.Errorf("preview has no content warning: %v", video["preview"])
	}
	if cm, _ := video["contentMap"].(map[string]any); cm["nl"] == nil {
		t.Errorf("contentMap = %v", video["contentMap"])
	}
}

// TestProfileUpdate: a profile changed while Herald was stopped reaches
// followers as an Update of the actor at the next start; an unchanged one
// sends nothing.
func TestProfileUpdate(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	h, _, alice, urls := apptest.Followed(ctx, t, nil)
	isProfile := func(d fedtest.Delivery) bool {
		o := d.Object()
		return o["type"] == "Service" && o["id"] == urls.Actor("news")
	}
	h.Stop()
	h = apptest.Start(t, h.Config(), nil) // records the profile (the first start had not polled yet)
	h.Stop()
	h.Config().Feeds[0].Name = "Nieuwe naam"
	h = apptest.Start(t, h.Config(), nil)
	up := apptest.WaitVerified(ctx, t, alice, "Update", func(d fedtest.Delivery) bool { return isProfile(d) && d.Object()["name"] == "Nieuwe naam" })
	if up.Activity["actor"] != urls.Actor("news") {
		t.Errorf("Update from %v", up.Activity["actor"])
	}
	apptest.GetJSON(t, up.Activity["id"].(string), "application/activity+json")
	h.Stop()

	h = apptest.Start(t, h.Config(), nil)
	apptest.Eventually(t, 5*time.Second, "Herald serving", func() bool {
		resp, err := http.Get(urls.Actor("news"))
		if err == nil {
			resp.Body.Close()
		}
		return err == nil
	})
	apptest.QueueDrained(t, h)
	n := 0
	for _, d := range alice.Deliveries() {
		if d.Type() == "Update" && isProfile(d) {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d profile Updates, want 1 (none for an unchanged profile)", n)
	}
}
