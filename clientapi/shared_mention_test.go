package clientapi_test

import (
	"context"
	"testing"
	"time"

	"herald/actor"
	"herald/apptest"
	"herald/config"
)

// TestPostForTwoAccounts: a public reply to a post of news that mentions
// weather too, and a direct message to both, reach each account's
// notifications (news: the reply and the message; weather: a mention and
// the message); the message's Delete takes it from both. Both stores run
// it.
func TestPostForTwoAccounts(t *testing.T) { apptest.OnBothStores(t, postForTwoAccounts) }

func postForTwoAccounts(t *testing.T, store func(*config.Config)) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	a := startAPI(t, store)
	weatherToken := apptest.SignInToken(t, a.base, a.app, "read write follow push", "bob", apptest.AddWebcareUser(t, a.Herald, "bob", "weather"))
	c := newCitizen(t)
	urls := actor.URLs{Base: a.base}
	news, weather, post := urls.Actor("news"), urls.Actor("weather"), urls.Object("news", "http://127.0.0.1:8081/?p=4")
	reply, replyID := c.post("<p>@news @weather Klopt dit?</p>", post, []string{actor.PublicAudience}, []string{news, weather}, []string{news, weather})
	c.send(ctx, t, a.base, reply)
	dm, dmID := c.post("<p>@news @weather Een vraag aan jullie beiden</p>", "", []string{news, weather}, nil, []string{news, weather})
	c.send(ctx, t, a.base, dm)
	for _, tok := range []struct{ name, token, replyVisibility string }{{"news", a.token, "public"}, {"weather", weatherToken, "public"}} {
		var got []notification
		a.get(t, "/api/v1/notifications?types[]=mention", tok.token, &got)
		if len(got) != 2 || got[0].Status.URI != dmID || got[0].Status.Visibility != "direct" || got[1].Status.URI != replyID ||
			got[1].Status.Visibility != tok.replyVisibility || got[1].Status.InReplyToID == nil {
			t.Errorf("%s's mentions: %+v; want the direct message, then the reply (in reply to news's post)", tok.name, got)
		}
	}
	c.send(ctx, t, a.base, map[string]any{"@context": actor.ActivityStreams, "id": dmID + "#delete", "type": "Delete", "actor": c.id(),
		"object": dmID, "to": []string{news, weather}})
	for _, tok := range []string{a.token, weatherToken} {
		var got []notification
		if a.get(t, "/api/v1/notifications?types[]=mention", tok, &got); len(got) != 1 || got[0].Status.URI != replyID {
			t.Errorf("after the Delete: %+v; want the reply only", got)
		}
	}
}
