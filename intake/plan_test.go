package intake

import (
	"reflect"
	"testing"
	"time"

	"herald/actor"
	"herald/feeds"
	"herald/store"
)

func TestActorItem(t *testing.T) {
	for _, c := range []struct {
		name string
		in   feeds.Item
		want actor.Item
	}{
		{"feed only", feeds.Item{Key: "k", Title: "T", Categories: []string{"Nieuws"}, ImageURL: "https://x/i.jpg"},
			actor.Item{Key: "k", Title: "T", Language: "nl", Categories: []string{"Nieuws"}, Images: []actor.Image{{URL: "https://x/i.jpg"}}}},
		{"enriched", feeds.Item{Key: "k", Author: "Redactie", Categories: []string{"Nieuws"}, Tags: []string{"Zeeland"}, ImageURL: "https://x/i.jpg",
			Images: []feeds.Image{{URL: "https://x/i.jpg", MediaType: "image/jpeg", Alt: "Dijk", Width: 1200, Height: 675}}},
			actor.Item{Key: "k", Language: "nl", Author: "Redactie", Categories: []string{"Nieuws", "Zeeland"},
				Images: []actor.Image{{URL: "https://x/i.jpg", MediaType: "image/jpeg", Alt: "Dijk", Width: 1200, Height: 675}}}},
		{"nothing", feeds.Item{Key: "k"}, actor.Item{Key: "k", Language: "nl"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := actorItem(c.in, "nl"); !reflect.DeepEqual(got, c.want) {
				t.Errorf("got %+v\nwant %+v", got, c.want)
			}
		})
	}
	cats := make([]string, 1, 4)
	cats[0] = "a"
	it := feeds.Item{Categories: cats, Tags: []string{"t"}}
	_ = actorItem(it, "")
	if cats[:2][1] != "" {
		t.Error("actorItem wrote into the item's category array")
	}
}

// TestEditTime: every edit's updated, as documents write it (to the
// second), is later than the last edit's and than published, which
// Mastodon and Akkoma require of an Update (Akkoma found the second edit
// of one second, and the edit in the second of publication, ignored).
func TestEditTime(t *testing.T) {
	base := time.Date(2026, 12, 7, 10, 0, 5, 0, time.UTC)
	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	for _, c := range []struct {
		name      string
		prev      store.SeenItem
		now, want time.Time
	}{
		{"first edit, later second", store.SeenItem{Published: base}, base.Add(3*time.Second + ms(400)), base.Add(3 * time.Second)},
		{"first edit in the second of publication", store.SeenItem{Published: base.Add(ms(200))}, base.Add(ms(900)), base.Add(time.Second)},
		{"second edit in the same second", store.SeenItem{Published: base, Updated: base.Add(time.Second + ms(100))}, base.Add(time.Second + ms(800)), base.Add(2 * time.Second)},
		{"edit behind a clock step back", store.SeenItem{Published: base, Updated: base.Add(time.Minute)}, base.Add(10 * time.Second), base.Add(time.Minute + time.Second)},
		{"published in the future of now", store.SeenItem{Published: base.Add(time.Hour)}, base, base.Add(time.Hour + time.Second)},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := editTime(c.prev, c.now)
			if !got.Equal(c.want) {
				t.Errorf("editTime = %s, want %s", got, c.want)
			}
			last := c.prev.Updated.Format(time.RFC3339)
			if c.prev.Updated.IsZero() {
				last = c.prev.Published.Format(time.RFC3339)
			}
			if got.Format(time.RFC3339) <= last {
				t.Errorf("updated %s is not later than %s as documents write them", got.Format(time.RFC3339), last)
			}
		})
	}
}
