package feeds

import (
	"testing"
	"time"
)

func TestNormalizeKey(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{name: "wordpress guid kept", in: "http://127.0.0.1:8081/?p=4", want: "http://127.0.0.1:8081/?p=4"},
		{name: "trailing and leading spaces", in: "  http://127.0.0.1:8081/?p=4 \n", want: "http://127.0.0.1:8081/?p=4"},
		{name: "default http port", in: "http://example.org:80/?p=4", want: "http://example.org/?p=4"},
		{name: "default https port", in: "https://example.org:443/a", want: "https://example.org/a"},
		{name: "443 is not default for http", in: "http://example.org:443/a", want: "http://example.org:443/a"},
		{name: "other port kept", in: "http://127.0.0.1:8081/", want: "http://127.0.0.1:8081/"},
		{name: "host and scheme case", in: "HTTPS://Example.ORG/Path/?Q=A", want: "https://example.org/Path/?Q=A"},
		{name: "fragment kept", in: "https://example.org/post/#comments", want: "https://example.org/post/#comments"},
		{name: "wordpress comment guids stay apart", in: "http://127.0.0.1:8081/?p=1#comment-1", want: "http://127.0.0.1:8081/?p=1#comment-1"},
		{name: "fragment right after host", in: "HTTP://Example.ORG:80#top", want: "http://example.org#top"},
		{name: "http not upgraded", in: "http://example.org/a", want: "http://example.org/a"},
		{name: "no path", in: "http://Example.org", want: "http://example.org"},
		{name: "query without path", in: "http://Example.org:80?p=4", want: "http://example.org?p=4"},
		{name: "path escapes kept", in: "https://example.org/a%2Fb/c d?x=%41", want: "https://example.org/a%2Fb/c d?x=%41"},
		{name: "user info kept", in: "https://User@Example.org:443/", want: "https://User@example.org/"},
		{name: "ipv6 host", in: "http://[2001:DB8::1]:80/x", want: "http://[2001:db8::1]/x"},
		{name: "ipv6 host without port", in: "http://[2001:DB8::1]/x", want: "http://[2001:db8::1]/x"},
		{name: "tag uri untouched", in: " tag:Example.org,2024:Post#1 ", want: "tag:Example.org,2024:Post#1"},
		{name: "urn untouched", in: "urn:uuid:1225C695-CFB8-4EBB-AAAA-80DA344EFA6A", want: "urn:uuid:1225C695-CFB8-4EBB-AAAA-80DA344EFA6A"},
		{name: "plain id", in: "42", want: "42"},
		{name: "not a scheme", in: "a b://x", want: "a b://x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := normalizeKey(tt.in); got != tt.want {
				t.Errorf("normalizeKey(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestItemHash(t *testing.T) {
	base := Item{
		Key: "k", Title: "Titel", Link: "https://example.org/a", Summary: "<p>s</p>", Content: "<p>c</p>",
		Categories: []string{"a", "b"}, ImageURL: "https://example.org/i.jpg",
		Published: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), Author: "Jan",
	}
	h := itemHash(base)
	if h != itemHash(base) {
		t.Fatal("itemHash is not stable across calls")
	}
	if itemHash(Item{Categories: nil}) != itemHash(Item{Categories: []string{}}) {
		t.Error("nil and empty Categories hash differently")
	}
	tests := []struct {
		name    string
		edit    func(*Item)
		changes bool
	}{
		{name: "title", edit: func(it *Item) { it.Title += "!" }, changes: true},
		{name: "link", edit: func(it *Item) { it.Link += "b" }, changes: true},
		{name: "summary", edit: func(it *Item) { it.Summary = "<p>S</p>" }, changes: true},
		{name: "content", edit: func(it *Item) { it.Content = "<p>c2</p>" }, changes: true},
		{name: "category added", edit: func(it *Item) { it.Categories = append(it.Categories, "c") }, changes: true},
		{name: "category order", edit: func(it *Item) { it.Categories = []string{"b", "a"} }, changes: true},
		{name: "categories rejoined", edit: func(it *Item) { it.Categories = []string{"ab"} }, changes: true},
		{name: "image", edit: func(it *Item) { it.ImageURL = "" }, changes: true},
		{name: "field boundary moved", edit: func(it *Item) { it.Title, it.Link = "Titelh", "ttps://example.org/a" }, changes: true},
		{name: "updated only", edit: func(it *Item) { it.Updated = time.Now() }},
		{name: "published only", edit: func(it *Item) { it.Published = time.Now() }},
		{name: "key only", edit: func(it *Item) { it.Key = "other" }},
		{name: "author only", edit: func(it *Item) { it.Author = "Piet" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			it := base
			it.Categories = append([]string(nil), base.Categories...)
			before := itemHash(it)
			tt.edit(&it)
			if changed := itemHash(it) != before; changed != tt.changes {
				t.Errorf("hash changed = %v, want %v", changed, tt.changes)
			}
		})
	}
}

func TestItemKeyFallback(t *testing.T) {
	published := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	a := Item{Title: "ab", Content: "c", Published: published}
	tests := []struct {
		name string
		guid string
		it   Item
		same bool // same key as a
	}{
		{name: "identical", it: a, same: true},
		{name: "guid wins", guid: "x", it: a},
		{name: "link second", it: Item{Title: "ab", Content: "c", Published: published, Link: "https://example.org/"}},
		{name: "boundary moved", it: Item{Title: "a", Content: "bc", Published: published}},
		{name: "other date", it: Item{Title: "ab", Content: "c", Published: published.Add(time.Second)}},
		{name: "same instant in another zone", it: Item{Title: "ab", Content: "c", Published: published.In(time.FixedZone("x", 3600))}, same: true},
	}
	want := itemKey("", a)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := itemKey(tt.guid, tt.it)
			if (got == want) != tt.same {
				t.Errorf("itemKey = %q, a's key %q; same = %v, want %v", got, want, got == want, tt.same)
			}
		})
	}
}
