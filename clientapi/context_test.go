package clientapi_test

import (
	"context"
	"net/url"
	"testing"
	"time"

	"herald/actor"
)

// statusContext is what the tests read of a Context.
type statusContext struct {
	Ancestors   []posted `json:"ancestors"`
	Descendants []posted `json:"descendants"`
}

func uris(list []posted) []string {
	var out []string
	for _, s := range list {
		out = append(out, s.URI)
	}
	return out
}

// TestContext: a citizen's question, the team's direct answer and her
// reply to it make one thread for the account's token, and nothing for
// anyone else; a feed post's public reply is its context for anyone.
func TestContext(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	a := startAPI(t, nil)
	c := newCitizen(t)
	urls := actor.URLs{Base: a.base}
	news, feedPost := urls.Actor("news"), urls.Object("news", "http://127.0.0.1:8081/?p=4")
	dm, question := c.question(news, "Wanneer gaat de brug open?")
	c.send(ctx, t, a.base, dm)
	var notes []notification
	a.get(t, "/api/v1/notifications", a.token, &notes)
	answer := a.post(t, url.Values{"status": {"Om acht uur."}, "in_reply_to_id": {notes[0].Status.ID}, "visibility": {"direct"}})
	thanks, reply := c.post("<p>Dank!</p>", answer.URI, []string{news}, nil, []string{news})
	c.send(ctx, t, a.base, thanks)
	public, publicReply := c.post("<p>Goed bericht</p>", feedPost, []string{actor.PublicAudience}, []string{news}, []string{news})
	c.send(ctx, t, a.base, public)

	var got statusContext
	a.get(t, "/api/v1/statuses/"+answer.ID+"/context", a.token, &got)
	if u := uris(got.Ancestors); len(u) != 1 || u[0] != question {
		t.Errorf("ancestors of the answer %v, want the question", u)
	}
	if u := uris(got.Descendants); len(u) != 1 || u[0] != reply || got.Descendants[0].InReplyToID == nil || *got.Descendants[0].InReplyToID != answer.ID {
		t.Errorf("descendants of the answer %v, want the reply to it", u)
	}
	a.get(t, "/api/v1/statuses/"+notes[0].Status.ID+"/context", a.token, &got)
	if u := uris(got.Descendants); len(u) != 2 || u[0] != answer.URI || u[1] != reply || len(got.Ancestors) != 0 {
		t.Errorf("context of the question: %v above, %v below", uris(got.Ancestors), u)
	}
	a.wantError(t, "/api/v1/statuses/"+answer.ID+"/context", "", 404, "Record not found")
	a.wantError(t, "/api/v1/statuses/"+notes[0].Status.ID, "", 404, "Record not found")

	var me account
	var posts []status
	a.get(t, "/api/v1/accounts/verify_credentials", a.token, &me)
	a.get(t, "/api/v1/accounts/"+me.ID+"/statuses?limit=40", "", &posts)
	for _, p := range posts {
		if p.URI == feedPost {
			a.get(t, "/api/v1/statuses/"+p.ID+"/context", "", &got)
		}
	}
	if u := uris(got.Descendants); len(u) != 1 || u[0] != publicReply || len(got.Ancestors) != 0 {
		t.Errorf("context of the feed post for anyone: %v below, want its public reply", u)
	}
}
