package storetest

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"herald/store"
)

var documentChecks = []check{
	{"FeedState", checkFeedState},
	{"Document/not found", checkDocumentNotFound},
	{"PutDocument", checkPutDocument},
}

func checkFeedState(t *testing.T, b Backend) {
	got, err := b.FeedState("blog")
	if err != nil || !reflect.DeepEqual(got, store.FeedState{}) {
		t.Errorf("FeedState never saved = %+v, %v; want zero", got, err)
	}
	want := store.FeedState{
		URL: "https://blog.example/feed.xml", ETag: `W/"abc"`, LastModified: "Sat, 01 Mar 2025 11:00:00 GMT",
		Initialised: true, LastAttempt: t0, LastSuccess: t0.Add(-time.Hour), LastError: "timeout", Failures: 2,
		Title: "Blog", Description: "About things", SiteURL: "https://blog.example/", ImageURL: "https://blog.example/i.png", Language: "en",
		LastFullFetch: t0.Add(-time.Minute), ConfigURL: "https://blog.example/", Status: "ok", ItemsSeen: 12,
		NewestItem: t0.Add(-3 * time.Hour), API: "https://blog.example/wp-json/", APIFailed: t0.Add(-2 * time.Hour), Hub: "https://hub.example/",
		NewSourceSince: t0.Add(-24 * time.Hour),
	}
	for range 2 { // saving again replaces
		if err := b.SaveFeedState("blog", want); err != nil {
			t.Fatal(err)
		}
	}
	if got, err := b.FeedState("blog"); err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("FeedState = %+v, %v; want %+v", got, err, want)
	}
	if got, err := b.FeedState("other"); err != nil || !reflect.DeepEqual(got, store.FeedState{}) {
		t.Errorf("FeedState(other) = %+v, %v; want zero", got, err)
	}
	if err := b.SaveFeedState("blog", store.FeedState{URL: "u"}); err != nil {
		t.Fatal(err)
	}
	if got, _ := b.FeedState("blog"); !reflect.DeepEqual(got, store.FeedState{URL: "u"}) {
		t.Errorf("FeedState after replacing = %+v", got)
	}
}

func checkDocumentNotFound(t *testing.T, b Backend) {
	for _, id := range []string{"https://h.example/nope", ""} {
		if got, err := b.Document(id); !errors.Is(err, store.ErrNotFound) || got != nil {
			t.Errorf("Document(%q) = %s, %v; want ErrNotFound", id, got, err)
		}
	}
}

func checkPutDocument(t *testing.T, b Backend) {
	d := doc("https://h.example/a")
	if err := b.PutDocument(d); err != nil {
		t.Fatal(err)
	}
	if got, err := b.Document(d.ID); err != nil || string(got) != string(d.JSON) {
		t.Errorf("Document = %s, %v; want %s", got, err, d.JSON)
	}
	// Bytes are kept as they are: no re-encoding of the JSON.
	d.JSON = []byte("{ \"id\" : \"https://h.example/a\",\n  \"b\":\"\\u00e9\" }")
	if err := b.PutDocument(d); err != nil {
		t.Fatal(err)
	}
	if got, err := b.Document(d.ID); err != nil || string(got) != string(d.JSON) {
		t.Errorf("Document after replacing = %q, %v; want %q", got, err, d.JSON)
	}
	if err := b.PutDocument(store.Document{ID: "", JSON: []byte("{}")}); err == nil {
		t.Error("PutDocument without an id succeeded")
	}
}
