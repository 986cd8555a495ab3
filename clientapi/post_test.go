package clientapi_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"herald/actor"
	"herald/apptest"
	"herald/config"
	"herald/fedtest"
	"herald/store"
)

// posted is what the tests read of a Status they made.
type posted struct {
	status
	InReplyToID *string `json:"in_reply_to_id"`
	SpoilerText string  `json:"spoiler_text"`
	Sensitive   bool    `json:"sensitive"`
	Text        *string `json:"text"`
	Mentions    []struct {
		Acct string `json:"acct"`
		URL  string `json:"url"`
	} `json:"mentions"`
	Error string `json:"error"`
}

// send makes an API request with token and form params (nil for none) and
// decodes the JSON answer into v; header, if not nil, adds headers.
func (a *apiHerald) send(t *testing.T, method, path, token string, params url.Values, header http.Header, v any) int {
	t.Helper()
	req, _ := http.NewRequest(method, a.base+path, strings.NewReader(params.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if v != nil {
		if err := json.Unmarshal(body, v); err != nil {
			t.Fatalf("%s %s: HTTP %d, not JSON: %s", method, path, resp.StatusCode, body)
		}
	}
	return resp.StatusCode
}

// post posts a status as alice's token and returns it.
func (a *apiHerald) post(t *testing.T, params url.Values) posted {
	t.Helper()
	var s posted
	if code := a.send(t, http.MethodPost, "/api/v1/statuses", a.token, params, nil, &s); code != 200 {
		t.Fatalf("POST /api/v1/statuses %v: HTTP %d %s", params, code, s.Error)
	}
	return s
}

// creates returns the Creates of objectID a peer received, each verified.
func creates(t *testing.T, p *fedtest.Peer, objectID string) []fedtest.Delivery {
	t.Helper()
	var out []fedtest.Delivery
	for _, d := range p.Deliveries() {
		if d.Type() == "Create" && d.Object()["id"] == objectID {
			if d.Problem != "" {
				t.Errorf("Create of %s failed verification: %s", objectID, d.Problem)
			}
			out = append(out, d)
		}
	}
	return out
}

// TestPostStatus: a public post written in an app, with a hashtag, a link
// and a content warning, goes to the followers, sorts first among the
// account's posts (ids by time with the feed's), is in the outbox and is
// counted; its Create's delivery is in the statistics.
func TestPostStatus(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	a := startAPI(t, nil)
	follower := newCitizen(t)
	urls := actor.URLs{Base: a.base}
	follower.follow(ctx, t, a.base, urls.Actor("news"))
	s := a.post(t, url.Values{"status": {"Stormwaarschuwing: #code_oranje, zie https://knmi.example/waarschuwingen"},
		"spoiler_text": {"Storm"}, "language": {"nl"}})
	if s.Visibility != "public" || s.SpoilerText != "Storm" || !s.Sensitive || s.Language != "nl" || s.Account.Username != "news" ||
		!strings.Contains(s.Content, `rel="tag">#<span>code_oranje</span>`) || !strings.Contains(s.Content, `href="https://knmi.example/waarschuwingen"`) ||
		len(s.Tags) != 1 || s.Tags[0].Name != "code_oranje" || s.URI != urls.StatusID("news", idNumber(t, s.ID)) {
		t.Errorf("status %+v", s)
	}
	var me account
	a.get(t, "/api/v1/accounts/verify_credentials", a.token, &me)
	var list []status
	a.get(t, "/api/v1/accounts/"+me.ID+"/statuses?limit=2", "", &list)
	if len(list) != 2 || list[0].ID != s.ID || idNumber(t, list[1].ID) >= idNumber(t, s.ID) || me.StatusesCount != 6 {
		t.Errorf("account's statuses %v (%d in all), want the new post first of 6", ids(list), me.StatusesCount)
	}
	var one posted
	if resp := a.get(t, "/api/v1/statuses/"+s.ID, "", &one); resp.StatusCode != 200 || one.URI != s.URI {
		t.Errorf("GET the post anonymously: HTTP %d %+v", resp.StatusCode, one)
	}
	d, err := follower.peer.WaitFor(ctx, func(d fedtest.Delivery) bool { return d.Type() == "Create" && d.Object()["id"] == s.URI })
	if err != nil || d.Problem != "" || d.Hidden != "" {
		t.Fatalf("the follower's server got %+v (%v)", d, err)
	}
	if to := d.Object()["to"].([]any); len(to) != 1 || to[0] != actor.PublicAudience {
		t.Errorf("the public post is addressed to %v", to)
	}
	entries, _, _ := a.Store().Outbox("news", time.Time{}, 1)
	if len(entries) != 1 || !strings.Contains(string(entries[0].Activity), s.URI) {
		t.Errorf("the newest outbox entry is not the post")
	}
	apptest.Eventually(t, 5*time.Second, "the delivery counted", func() bool {
		st, _, _ := a.Store().DeliveryStats(urls.Create(s.URI))
		return st.Delivered == 1
	})
}

// TestAnswerPublicAndDirect: a citizen who follows asks a question in a
// direct message; the team sees it as a notification and answers it in
// public (without naming her: she is mentioned and addressed anyway) and
// directly. Another follower gets the public answer, not the direct one;
// the direct one carries neither the public nor the followers collection,
// is in no outbox and is not served to anyone else.
// Both stores run it.
func TestAnswerPublicAndDirect(t *testing.T) { apptest.OnBothStores(t, answerPublicAndDirect) }

func answerPublicAndDirect(t *testing.T, st func(*config.Config)) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	a := startAPI(t, st)
	asker, other := newCitizen(t), newCitizen(t)
	urls := actor.URLs{Base: a.base}
	news := urls.Actor("news")
	asker.follow(ctx, t, a.base, news)
	other.follow(ctx, t, a.base, news)
	dm, question := asker.question(news, "Gaat de veerdienst vandaag?")
	asker.send(ctx, t, a.base, dm)
	var notes []notification
	a.get(t, "/api/v1/notifications?types[]=mention", a.token, &notes)
	if len(notes) != 1 || notes[0].Status.Visibility != "direct" || notes[0].Status.URI != question {
		t.Fatalf("notifications %+v, want the question", notes)
	}
	asked := notes[0].Status.ID
	public := a.post(t, url.Values{"status": {"De veerdienst vaart vandaag niet."}, "in_reply_to_id": {asked}, "visibility": {"unlisted"}})
	direct := a.post(t, url.Values{"status": {"@" + asker.acct() + " Wij bellen u terug."}, "in_reply_to_id": {asked}, "visibility": {"direct"}})
	for _, s := range []posted{public, direct} {
		if s.InReplyToID == nil || *s.InReplyToID != asked || len(s.Mentions) != 1 || s.Mentions[0].Acct != asker.acct() {
			t.Errorf("answer %+v, want in reply to %s mentioning %s", s, asked, asker.acct())
		}
	}
	checkPublicAnswer(ctx, t, public.URI, question, asker, other)
	checkDirectAnswer(ctx, t, a, direct.URI, question, asker, other)
}

// checkPublicAnswer: both followers got the unlisted answer, in reply to
// the question, mentioning and addressing the asker.
func checkPublicAnswer(ctx context.Context, t *testing.T, uri, question string, asker, other *citizen) {
	t.Helper()
	for _, c := range []*citizen{asker, other} {
		if _, err := c.peer.WaitFor(ctx, func(d fedtest.Delivery) bool { return d.Type() == "Create" && d.Object()["id"] == uri }); err != nil {
			t.Fatalf("the public answer did not reach %s: %v", c.acct(), err)
		}
	}
	d := creates(t, asker.peer, uri)[0]
	if d.Hidden != "" {
		t.Errorf("Mastodon would not show the public answer: %s", d.Hidden)
	}
	obj := d.Object()
	cc := obj["cc"].([]any)
	tag := obj["tag"].([]any)[0].(map[string]any)
	if obj["inReplyTo"] != question || !slices.Contains(cc, any(asker.id())) || !slices.Contains(cc, any(actor.PublicAudience)) ||
		tag["type"] != "Mention" || tag["href"] != asker.id() {
		t.Errorf("public answer %v", obj)
	}
}

// checkDirectAnswer: only the asker got the direct answer, addressed to
// her alone; it is in no outbox and answers 404 to an unsigned GET.
func checkDirectAnswer(ctx context.Context, t *testing.T, a *apiHerald, uri, question string, asker, other *citizen) {
	t.Helper()
	d, err := asker.peer.WaitFor(ctx, func(d fedtest.Delivery) bool { return d.Type() == "Create" && d.Object()["id"] == uri })
	if err != nil || d.Problem != "" || d.Hidden != "" {
		t.Fatalf("the direct answer reached the asker as %+v (%v), want verified and shown", d, err)
	}
	obj := d.Object()
	for _, doc := range []map[string]any{d.Activity, obj} {
		to, _ := doc["to"].([]any)
		if len(to) != 1 || to[0] != asker.id() || doc["cc"] != nil && len(doc["cc"].([]any)) != 0 {
			t.Errorf("the direct answer's %v is addressed to %v, cc %v", doc["type"], doc["to"], doc["cc"])
		}
	}
	tag := obj["tag"].([]any)[0].(map[string]any)
	if obj["inReplyTo"] != question || tag["type"] != "Mention" || tag["href"] != asker.id() || !strings.Contains(obj["content"].(string), "u-url mention") {
		t.Errorf("direct answer %v", obj)
	}
	apptest.QueueDrained(t, a.Herald)
	if got := creates(t, other.peer, uri); len(got) != 0 {
		t.Errorf("another follower got the direct answer")
	}
	entries, _, _ := a.Store().Outbox("news", time.Time{}, 5)
	for _, e := range entries {
		if strings.Contains(string(e.Activity), uri) {
			t.Error("the direct answer is in the outbox")
		}
	}
	if resp, _ := apptest.AdminGet(t, uri, ""); resp.StatusCode != 404 {
		t.Errorf("an unsigned GET of the direct answer: HTTP %d, want 404", resp.StatusCode)
	}
}

// TestAuditAndDelete: posts, answers and deletions are in the audit log
// with who did them; a deletion sends the Delete with a Tombstone to
// those who got the post, answers the status with its text, and the post
// is gone.
// Both stores run it.
func TestAuditAndDelete(t *testing.T) { apptest.OnBothStores(t, auditAndDelete) }

func auditAndDelete(t *testing.T, st func(*config.Config)) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	a := startAPI(t, st)
	asker := newCitizen(t)
	news := actor.URLs{Base: a.base}.Actor("news")
	dm, _ := asker.question(news, "Vraag")
	asker.send(ctx, t, a.base, dm)
	var notes []notification
	a.get(t, "/api/v1/notifications", a.token, &notes)
	answer := a.post(t, url.Values{"status": {"Antwoord"}, "in_reply_to_id": {notes[0].Status.ID}, "visibility": {"direct"}})
	var deleted posted
	if code := a.send(t, http.MethodDelete, "/api/v1/statuses/"+answer.ID, a.token, nil, nil, &deleted); code != 200 ||
		deleted.ID != answer.ID || deleted.Text == nil || *deleted.Text != "Antwoord" {
		t.Fatalf("DELETE: HTTP %d %+v", code, deleted)
	}
	d, err := asker.peer.WaitFor(ctx, func(d fedtest.Delivery) bool { return d.Type() == "Delete" })
	if err != nil || d.Problem != "" || d.Object()["id"] != answer.URI || d.Object()["type"] != "Tombstone" {
		t.Fatalf("Delete %+v, %v", d, err)
	}
	a.wantError(t, "/api/v1/statuses/"+answer.ID, a.token, 404, "Record not found")
	if resp, _ := apptest.AdminGet(t, answer.URI, ""); resp.StatusCode != http.StatusGone {
		t.Errorf("GET of the deleted answer: HTTP %d, want 410", resp.StatusCode)
	}
	entries, err := a.Store().Audit(time.Time{}, 10)
	if err != nil || len(entries) != 3 {
		t.Fatalf("audit log %+v, %v; want delete, reply, sign-in", entries, err)
	}
	for i, want := range []string{store.AuditDelete, store.AuditReply, store.AuditSignIn} {
		e := entries[i]
		if e.Action != want || e.Who.Name != "alice" || e.Account != "news" || e.App != "Test app" ||
			(want != store.AuditSignIn && e.Object != answer.URI) {
			t.Errorf("audit entry %d: %+v, want %s by alice", i, e, want)
		}
	}
	if entries[1].Visibility != "direct" || entries[1].InReplyTo != notes[0].Status.URI {
		t.Errorf("the reply's entry %+v", entries[1])
	}
}
