package feeds

import (
	"slices"
	"testing"
)

func TestDiff(t *testing.T) {
	a := Item{Key: "a", Title: "A", Hash: "ha"}
	b := Item{Key: "b", Title: "B", Hash: "hb"}
	b2 := Item{Key: "b", Title: "B edited", Hash: "hb2"}
	c := Item{Key: "c", Title: "C", Hash: "hc"}
	tests := []struct {
		name  string
		seen  map[string]string
		items []Item
		want  []Change
	}{
		{name: "nothing seen: all added in order", seen: nil, items: []Item{a, b, c},
			want: []Change{{Added, a}, {Added, b}, {Added, c}}},
		{name: "unchanged skipped", seen: map[string]string{"a": "ha", "b": "hb", "c": "hc"}, items: []Item{a, b, c}},
		{name: "edited", seen: map[string]string{"a": "ha", "b": "hb"}, items: []Item{a, b2},
			want: []Change{{Edited, b2}}},
		{name: "added and edited keep feed order", seen: map[string]string{"b": "hb"}, items: []Item{a, b2, c},
			want: []Change{{Added, a}, {Edited, b2}, {Added, c}}},
		{name: "duplicate key: first occurrence only", seen: nil, items: []Item{b, a, b2},
			want: []Change{{Added, b}, {Added, a}}},
		{name: "duplicate key: later edit ignored", seen: map[string]string{"b": "hb"}, items: []Item{b, b2}},
		{name: "seen items gone from the feed are not changes", seen: map[string]string{"x": "hx"}, items: []Item{a},
			want: []Change{{Added, a}}},
		{name: "empty feed", seen: map[string]string{"a": "ha"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Diff(tt.seen, tt.items); !equalChanges(got, tt.want) {
				t.Errorf("Diff = %v\nwant %v", got, tt.want)
			}
		})
	}
}

func equalChanges(a, b []Change) bool {
	return slices.EqualFunc(a, b, func(x, y Change) bool {
		return x.Kind == y.Kind && x.Item.Key == y.Item.Key && x.Item.Hash == y.Item.Hash
	})
}

// seenFrom records items the way the caller does after handling changes.
func seenFrom(items []Item) map[string]string {
	seen := make(map[string]string, len(items))
	for _, it := range items {
		if _, ok := seen[it.Key]; !ok {
			seen[it.Key] = it.Hash
		}
	}
	return seen
}

// TestDiffWordPress replays the real capture: after the Dutch post (?p=4) is
// edited, only it is an edit; the other posts are unchanged.
func TestDiffWordPress(t *testing.T) {
	tests := []struct{ name, before, after, feedURL string }{
		{name: "rss", before: "wordpress/1-published.rss.xml", after: "wordpress/2-edited.rss.xml", feedURL: wpSite + "/feed/"},
		{name: "atom", before: "wordpress/1-published.atom.xml", after: "wordpress/2-edited.atom.xml", feedURL: wpSite + "/feed/atom/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before, err := Parse(readTestdata(t, tt.before), tt.feedURL)
			if err != nil {
				t.Fatal(err)
			}
			after, err := Parse(readTestdata(t, tt.after), tt.feedURL)
			if err != nil {
				t.Fatal(err)
			}
			if got := Diff(nil, before.Items); len(got) != 5 {
				t.Errorf("first poll: %d changes, want 5 added", len(got))
			}
			got := Diff(seenFrom(before.Items), after.Items)
			if len(got) != 1 || got[0].Kind != Edited || got[0].Item.Key != wpSite+"/?p=4" {
				t.Fatalf("Diff = %v, want one Edited ?p=4", got)
			}
			if got[0].Item.Title != "Kabinet investeert € 5 miljoen in waterveiligheid (bijgewerkt)" {
				t.Errorf("edited title = %q", got[0].Item.Title)
			}
			if again := Diff(seenFrom(after.Items), after.Items); len(again) != 0 {
				t.Errorf("re-poll of the same feed: %v, want no changes", again)
			}
		})
	}
}

// TestDiffWordPressComments: WordPress comment feeds tell comments apart only
// by the guid's fragment, which key normalisation therefore keeps.
func TestDiffWordPressComments(t *testing.T) {
	f, err := Parse(readTestdata(t, "wordpress/comments.rss.xml"), wpSite+"/comments/feed/")
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Items) != 1 || f.Items[0].Key != wpSite+"/?p=1#comment-1" {
		t.Fatalf("items = %+v, want one item keyed %s/?p=1#comment-1", f.Items, wpSite)
	}
}

func TestChangeKindString(t *testing.T) {
	tests := []struct {
		kind ChangeKind
		want string
	}{{Added, "added"}, {Edited, "edited"}, {0, "unknown"}}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := tt.kind.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
		})
	}
}
