package feeds

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestEnrichWordPress: the REST API adds to the feed items of the same
// site what the feed lacks.
func TestEnrichWordPress(t *testing.T) {
	f, err := Parse(readTestdata(t, "wordpress/5-schedule-due.rss.xml"), "http://127.0.0.1:8081/feed/")
	if err != nil {
		t.Fatal(err)
	}
	posts, err := ParseWPPosts(readTestdata(t, "wordpress/wp-v2-posts-embed.json"), "http://127.0.0.1:8081/wp-json/wp/v2/posts")
	if err != nil {
		t.Fatal(err)
	}
	plain := map[string]string{}
	for _, it := range f.Items {
		plain[it.Key] = it.Hash
	}
	Enrich(f.Items, posts)
	items := map[string]Item{}
	for _, it := range f.Items {
		items[it.Key] = it
	}
	p6 := items["http://127.0.0.1:8081/?p=6"]
	want := []Image{{URL: "http://127.0.0.1:8081/wp-content/uploads/2026/11/video-en-foto-de-oosterscheldekering-e4476d.jpg",
		MediaType: "image/jpeg", Alt: "De Oosterscheldekering bij storm", Width: 1200, Height: 675}}
	if !slices.Equal(p6.Images, want) || p6.ImageURL != want[0].URL {
		t.Errorf("?p=6 images %+v", p6.Images)
	}
	if !p6.Enriched || !strings.HasPrefix(p6.Hash, "wp:") || p6.Hash == plain[p6.Key] {
		t.Errorf("?p=6 enriched %v hash %s", p6.Enriched, p6.Hash)
	}
	if !p6.Modified.Equal(time.Date(2026, 11, 26, 1, 33, 43, 0, time.UTC)) {
		t.Errorf("?p=6 modified %s", p6.Modified)
	}
	p10 := items["http://127.0.0.1:8081/?p=10"]
	if !slices.Equal(p10.Categories, []string{"Nieuws", "Persberichten", "Water & Klimaat"}) ||
		!slices.Equal(p10.Tags, []string{"Deltaprogramma", "dijkversterking", "klimaatadaptatie", "Zeeland"}) {
		t.Errorf("?p=10 categories %q tags %q", p10.Categories, p10.Tags)
	}
	if p10.Author != "Redactie Voorbeeldzaken" || !strings.Contains(p10.Content, "<p>") {
		t.Errorf("?p=10 author %q content %.60q", p10.Author, p10.Content)
	}
	// Enriching twice from the same answer gives the same hash: a re-poll
	// is not an edit.
	again, _ := Parse(readTestdata(t, "wordpress/5-schedule-due.rss.xml"), "http://127.0.0.1:8081/feed/")
	Enrich(again.Items, posts)
	for _, it := range again.Items {
		if it.Hash != items[it.Key].Hash {
			t.Errorf("%s: hash changed between two enrichments", it.Key)
		}
	}
}

// TestEnrichByPermalink: a post created in one REST call has its pretty
// permalink as guid; it matches the feed item either way.
func TestEnrichByPermalink(t *testing.T) {
	posts, err := ParseWPPosts([]byte("["+string(readTestdata(t, "wordpress/direct-post-rest.json"))+"]"), "http://127.0.0.1:8081/wp-json/")
	if err != nil || len(posts) != 1 {
		t.Fatalf("ParseWPPosts: %v, %v", posts, err)
	}
	link := posts[0].Link
	if posts[0].GUID != link || strings.Contains(link, "?p=") {
		t.Fatalf("guid %q link %q: want the pretty permalink as guid", posts[0].GUID, link)
	}
	for _, it := range []Item{{Key: link}, {Key: "http://127.0.0.1:8081/?p=999", Link: link}} {
		items := []Item{it}
		Enrich(items, posts)
		if !items[0].Enriched {
			t.Errorf("item %+v not matched", it)
		}
	}
	items := []Item{{Key: "http://127.0.0.1:8081/?p=998", Link: "http://127.0.0.1:8081/other/"}}
	Enrich(items, posts)
	if items[0].Enriched {
		t.Error("an unrelated item was enriched")
	}
}

// TestWordPressPostsBlocked: a blocked API is an *HTTPError, and bad JSON
// an error, never a panic.
func TestWordPressPostsBlocked(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasPrefix(r.URL.Path, "/blocked/"):
			w.WriteHeader(http.StatusForbidden)
		case strings.HasPrefix(r.URL.Path, "/bad/"):
			_, _ = w.Write([]byte(`{"code":"rest_no_route"}`))
		default:
			if r.URL.Query().Get("_embed") == "" {
				t.Errorf("no _embed in %s", r.URL)
			}
			_, _ = w.Write(readTestdata(t, "wordpress/wp-v2-posts-embed.json"))
		}
	}))
	defer srv.Close()
	f := &Fetcher{Client: srv.Client()}
	if posts, err := f.WordPressPosts(t.Context(), srv.URL+"/wp-json/"); err != nil || len(posts) != 5 {
		t.Errorf("WordPressPosts = %d posts, %v", len(posts), err)
	}
	if _, err := f.WordPressPosts(t.Context(), srv.URL+"/blocked/"); err == nil || !strings.Contains(err.Error(), "403") {
		t.Errorf("blocked: %v", err)
	}
	if _, err := f.WordPressPosts(t.Context(), srv.URL+"/bad/"); err == nil {
		t.Error("an object instead of a list was accepted")
	}
}
