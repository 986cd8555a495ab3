package clientapi_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"herald/actor"
	"herald/apptest"
	"herald/config"
)

// TestHomeTimeline: the home timeline holds the account's feed posts,
// its posts written in apps (direct ones too) and the direct question it
// received, newest first, paged with a Link header. Both stores run it.
func TestHomeTimeline(t *testing.T) { apptest.OnBothStores(t, homeTimeline) }

func homeTimeline(t *testing.T, st func(*config.Config)) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	a := startAPI(t, st)
	asker := newCitizen(t)
	dm, question := asker.question(actor.URLs{Base: a.base}.Actor("news"), "Vraag")
	asker.send(ctx, t, a.base, dm)
	var asked []status
	a.get(t, "/api/v1/timelines/home?limit=1", a.token, &asked)
	answer := a.post(t, url.Values{"status": {"Antwoord"}, "in_reply_to_id": {asked[0].ID}, "visibility": {"direct"}})
	public := a.post(t, url.Values{"status": {"Openbaar"}})
	var all []status
	a.get(t, "/api/v1/timelines/home?limit=40", a.token, &all)
	if len(all) != 8 || all[0].ID != public.ID || all[1].ID != answer.ID || all[2].URI != question || all[1].Visibility != "direct" {
		t.Fatalf("home %v, want the public post, the answer, the question and the 5 feed posts", ids(all))
	}
	var first, second []status
	resp := a.get(t, "/api/v1/timelines/home?limit=2", a.token, &first)
	link := resp.Header.Get("Link")
	if len(first) != 2 || !strings.Contains(link, "max_id="+answer.ID) || !strings.Contains(link, "min_id="+public.ID) {
		t.Errorf("first page %v, Link %q", ids(first), link)
	}
	a.get(t, "/api/v1/timelines/home?limit=2&max_id="+answer.ID, a.token, &second)
	if len(second) != 2 || second[0].URI != question || second[1].ID != all[3].ID {
		t.Errorf("second page %v, want %v", ids(second), ids(all[2:4]))
	}
	var newer []status
	a.get(t, "/api/v1/timelines/home?min_id="+all[3].ID+"&limit=2", a.token, &newer)
	if len(newer) != 2 || newer[0].ID != answer.ID || newer[1].URI != question {
		t.Errorf("min_id page %v, want %v", ids(newer), ids(all[1:3]))
	}
}
