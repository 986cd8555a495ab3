package intake

import (
	"reflect"
	"testing"

	"herald/actor"
	"herald/feeds"
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
