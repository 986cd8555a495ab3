package clientapi_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"herald/actor"
	"herald/apptest"
)

// TestPostRefusals: what POST /api/v1/statuses and DELETE refuse, with
// Mastodon's statuses and messages.
func TestPostRefusals(t *testing.T) {
	a := startAPI(t, nil)
	long := strings.Repeat("woord ", 84)
	for _, tt := range []struct {
		name   string
		params url.Values
		status int
		msg    string
	}{
		{"empty", url.Values{"status": {"  \n "}}, 422, "Validation failed: Text can't be blank"},
		{"too long", url.Values{"status": {long}}, 422, "Validation failed: Text character limit of 500 exceeded"},
		{"too long with its warning", url.Values{"status": {long[:480]}, "spoiler_text": {strings.Repeat("x", 30)}}, 422,
			"Validation failed: Text character limit of 500 exceeded"},
		{"followers only", url.Values{"status": {"x"}, "visibility": {"private"}}, 422,
			"Validation failed: Herald posts no followers-only posts: choose public, unlisted or direct"},
		{"unknown visibility", url.Values{"status": {"x"}, "visibility": {"secret"}}, 422, "'secret' is not a valid visibility"},
		{"media", url.Values{"status": {"x"}, "media_ids[]": {"1"}}, 422, "Validation failed: Herald posts no media attachments"},
		{"scheduled too soon", url.Values{"status": {"x"}, "scheduled_at": {time.Now().Add(4 * time.Minute).UTC().Format(time.RFC3339)}}, 422,
			"Validation failed: Scheduled at must be at least 5 minutes in the future"},
		{"scheduled at no time", url.Values{"status": {"x"}, "scheduled_at": {"tomorrow"}}, 422,
			"Validation failed: Scheduled at is not a time (ISO 8601 with a time zone)"},
		{"direct to no one found", url.Values{"status": {"@nobody@nowhere.invalid hoi"}, "visibility": {"direct"}}, 422,
			"Validation failed: A direct post must mention an account that was found"},
		{"unknown in_reply_to_id", url.Values{"status": {"x"}, "in_reply_to_id": {"123456789"}}, 404, "Record not found"},
		{"bad language", url.Values{"status": {"x"}, "language": {"Dutch!"}}, 422, "Validation failed: Language is not a valid ISO 639 code"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var v map[string]any
			if code := a.send(t, http.MethodPost, "/api/v1/statuses", a.token, tt.params, nil, &v); code != tt.status || v["error"] != tt.msg {
				t.Errorf("HTTP %d %v, want %d %q", code, v, tt.status, tt.msg)
			}
		})
	}
	if list, _, _ := a.Store().Outbox("news", time.Time{}, 10); len(list) != 5 {
		t.Errorf("a refused post changed the outbox: %d entries", len(list))
	}
}

// TestPostScopes: posting needs a token for an account with write or
// write:statuses.
func TestPostScopes(t *testing.T) {
	a := startAPI(t, nil)
	params := url.Values{"status": {"x"}}
	var v map[string]any
	if code := a.send(t, http.MethodPost, "/api/v1/statuses", "", params, nil, &v); code != 401 || v["error"] != "The access token is invalid" {
		t.Errorf("without a token: HTTP %d %v", code, v)
	}
	readOnly := apptest.RegisterApp(t, a.base, "https://app.example/callback", "read")
	tok := apptest.SignInToken(t, a.base, readOnly, "read", "alice", a.password)
	if code := a.send(t, http.MethodPost, "/api/v1/statuses", tok, params, nil, &v); code != 403 || v["error"] != "This action is outside the authorized scopes" {
		t.Errorf("with read: HTTP %d %v", code, v)
	}
	statusesOnly := apptest.RegisterApp(t, a.base, "https://app.example/callback", "write:statuses")
	tok = apptest.SignInToken(t, a.base, statusesOnly, "write:statuses", "alice", a.password)
	var s posted
	if code := a.send(t, http.MethodPost, "/api/v1/statuses", tok, params, nil, &s); code != 200 {
		t.Errorf("with write:statuses: HTTP %d %+v", code, s)
	}
	if code := a.send(t, http.MethodDelete, "/api/v1/statuses/"+s.ID, tok, nil, nil, nil); code != 200 {
		t.Errorf("DELETE with write:statuses: HTTP %d", code)
	}
}

// TestDeleteRefusals: another account's post and a post from the feed
// give 403, an unknown id 404; nothing is deleted.
func TestDeleteRefusals(t *testing.T) {
	a := startAPI(t, nil)
	weather := apptest.AddWebcareUser(t, a.Herald, "bob", "weather")
	bobApp := apptest.RegisterApp(t, a.base, "https://app.example/callback", "read write")
	bob := apptest.SignInToken(t, a.base, bobApp, "read write", "bob", weather)
	theirs := a.post(t, url.Values{"status": {"Bericht van news"}})
	var feedPosts []status
	var me account
	a.get(t, "/api/v1/accounts/verify_credentials", a.token, &me)
	a.get(t, "/api/v1/accounts/"+me.ID+"/statuses?limit=2", "", &feedPosts)
	for _, tt := range []struct {
		name, id, token string
		status          int
		msg             string
	}{
		{"another account's post", theirs.ID, bob, 403, "This action is not allowed"},
		{"a post from the feed", feedPosts[1].ID, a.token, 403, "This action is not allowed"},
		{"unknown", "987654321", a.token, 404, "Record not found"},
	} {
		var v map[string]any
		if code := a.send(t, http.MethodDelete, "/api/v1/statuses/"+tt.id, tt.token, nil, nil, &v); code != tt.status || v["error"] != tt.msg {
			t.Errorf("%s: HTTP %d %v, want %d %q", tt.name, code, v, tt.status, tt.msg)
		}
	}
	if resp := a.get(t, "/api/v1/statuses/"+theirs.ID, "", nil); resp.StatusCode != 200 {
		t.Errorf("the post is gone after a refused deletion: HTTP %d", resp.StatusCode)
	}
}

// TestIdempotencyKey: the same Idempotency-Key within the hour gives the
// first post back and sends nothing more; another key makes a new post.
func TestIdempotencyKey(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	a := startAPI(t, nil)
	follower := newCitizen(t)
	follower.follow(ctx, t, a.base, actor.URLs{Base: a.base}.Actor("news"))
	key := http.Header{"Idempotency-Key": {"f0e1d2c3"}}
	var first, again, other posted
	a.send(t, http.MethodPost, "/api/v1/statuses", a.token, url.Values{"status": {"Eén keer"}}, key, &first)
	a.send(t, http.MethodPost, "/api/v1/statuses", a.token, url.Values{"status": {"Eén keer"}}, key, &again)
	a.send(t, http.MethodPost, "/api/v1/statuses", a.token, url.Values{"status": {"Eén keer"}}, http.Header{"Idempotency-Key": {"other"}}, &other)
	if first.ID == "" || again.ID != first.ID || other.ID == first.ID {
		t.Fatalf("ids %s, %s, %s; want the first twice, then another", first.ID, again.ID, other.ID)
	}
	apptest.QueueDrained(t, a.Herald)
	if n := len(creates(t, follower.peer, first.URI)); n != 1 {
		t.Errorf("the follower got the post %d times", n)
	}
	if entries, _ := a.Store().Audit(time.Time{}, 10); len(entries) != 3 {
		t.Errorf("audit log has %d entries, want the sign-in and two posts", len(entries))
	}
}

// TestPostsOnPublicPages: a public post written in an app is on the
// account's page and its hashtag's page, linked to its own page; an
// unlisted one only on the account's page; a direct one on neither.
func TestPostsOnPublicPages(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	a := startAPI(t, nil)
	asker := newCitizen(t)
	dm, _ := asker.question(actor.URLs{Base: a.base}.Actor("news"), "Vraag")
	asker.send(ctx, t, a.base, dm)
	public := a.post(t, url.Values{"status": {"Open dag bij de #Dijk"}})
	unlisted := a.post(t, url.Values{"status": {"Ook de #dijk van morgen"}, "visibility": {"unlisted"}})
	direct := a.post(t, url.Values{"status": {"@" + asker.acct() + " over de #dijk"}, "visibility": {"direct"}})
	page := func(path string) string {
		req, _ := http.NewRequest(http.MethodGet, a.base+path, nil)
		req.Header.Set("Accept", "text/html")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return string(body)
	}
	tags, profile := page("/tags/dijk"), page("/users/news")
	for _, tt := range []struct {
		name, uri        string
		onTag, onProfile bool
	}{{"public", public.URI, true, true}, {"unlisted", unlisted.URI, false, true}, {"direct", direct.URI, false, false}} {
		if got := strings.Contains(tags, `href="`+tt.uri+`"`); got != tt.onTag {
			t.Errorf("the %s post on the hashtag page: %t, want %t", tt.name, got, tt.onTag)
		}
		if got := strings.Contains(profile, `href="`+tt.uri+`"`); got != tt.onProfile {
			t.Errorf("the %s post on the account's page: %t, want %t", tt.name, got, tt.onProfile)
		}
	}
}
