package clientapi_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"herald/actor"
	"herald/apptest"
	"herald/config"
)

// notification is what the tests read of a Notification.
type notification struct {
	ID       string  `json:"id"`
	Type     string  `json:"type"`
	GroupKey string  `json:"group_key"`
	Account  account `json:"account"`
	Status   *struct {
		status
		InReplyToID *string `json:"in_reply_to_id"`
		SpoilerText string  `json:"spoiler_text"`
		Mentions    []struct {
			Acct string `json:"acct"`
		} `json:"mentions"`
	} `json:"status"`
}

// withNotifications is startAPI with a citizen who followed news, liked
// and boosted a post, answered it in public and wrote news a direct
// message; it returns the post's status id too.
func withNotifications(ctx context.Context, t *testing.T, store func(*config.Config)) (*apiHerald, *citizen, string) {
	t.Helper()
	a := startAPI(t, store)
	c := newCitizen(t)
	urls := actor.URLs{Base: a.base}
	news, post := urls.Actor("news"), urls.Object("news", "http://127.0.0.1:8081/?p=4")
	c.follow(ctx, t, a.base, news)
	c.send(ctx, t, a.base, c.react("Like", post))
	c.send(ctx, t, a.base, c.react("Announce", post))
	reply, _ := c.post("<p>Mooi!</p>", post, []string{actor.PublicAudience}, []string{c.id() + "/followers", news}, []string{news})
	c.send(ctx, t, a.base, reply)
	dm, _ := c.question(news, "Is de dijk veilig?")
	c.send(ctx, t, a.base, dm)
	var statuses []status
	var me account
	a.get(t, "/api/v1/accounts/verify_credentials", a.token, &me)
	a.get(t, "/api/v1/accounts/"+me.ID+"/statuses?limit=40", "", &statuses)
	for _, s := range statuses {
		if s.URI == post {
			return a, c, s.ID
		}
	}
	t.Fatalf("post %s not among the account's statuses", post)
	return nil, nil, ""
}

// TestNotifications: a follow, a favourite, a reblog and two mentions
// (a public reply and a direct message), newest first, with the remote
// account from the actor cache and the statuses they are about.
func TestNotifications(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	a, c, postID := withNotifications(ctx, t, nil)
	var all []notification
	if resp := a.get(t, "/api/v1/notifications", a.token, &all); resp.StatusCode != 200 {
		t.Fatalf("HTTP %d", resp.StatusCode)
	}
	types := map[string]int{}
	for i, n := range all {
		types[n.Type]++
		if i > 0 && idNumber(t, n.ID) >= idNumber(t, all[i-1].ID) {
			t.Errorf("notification %d (%s) is not older than the one before", i, n.ID)
		}
		if n.GroupKey != "ungrouped-"+n.ID || n.Account.Acct != c.acct() || n.Account.DisplayName != "Alice Burger" ||
			n.Account.Avatar != c.peer.URL+"/avatars/alice.png" || n.Account.URL != c.id() {
			t.Errorf("notification %s: %+v", n.Type, n)
		}
		if (n.Status == nil) != (n.Type == "follow") {
			t.Errorf("notification %s has status %v", n.Type, n.Status)
		}
	}
	if len(all) != 5 || types["mention"] != 2 || types["favourite"] != 1 || types["reblog"] != 1 || types["follow"] != 1 {
		t.Fatalf("notifications %v, want 2 mentions, a favourite, a reblog and a follow", types)
	}
	for _, n := range all {
		switch {
		case n.Type == "favourite" && n.Status.ID != postID:
			t.Errorf("favourite of status %s, want the post %s", n.Status.ID, postID)
		case n.Type == "mention" && n.Status.Visibility == "direct":
			if !strings.Contains(n.Status.Content, "Is de dijk veilig?") || n.Status.InReplyToID != nil ||
				len(n.Status.Mentions) != 1 || n.Status.Mentions[0].Acct != "news" {
				t.Errorf("direct message: %+v", n.Status)
			}
		case n.Type == "mention":
			if n.Status.Visibility != "public" || n.Status.InReplyToID == nil || *n.Status.InReplyToID != postID {
				t.Errorf("reply: %+v, want public, in reply to %s", n.Status, postID)
			}
		}
	}
}

// TestNotificationsFilterAndPaging: types[] and exclude_types[], and
// pages of two through the Link header, then back with min_id.
func TestNotificationsFilterAndPaging(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	a, _, _ := withNotifications(ctx, t, nil)
	var mentions, others []notification
	a.get(t, "/api/v1/notifications?types[]=mention", a.token, &mentions)
	a.get(t, "/api/v1/notifications?exclude_types[]=mention&exclude_types[]=follow", a.token, &others)
	if len(mentions) != 2 || mentions[0].Type != "mention" || len(others) != 2 || others[0].Type == "mention" || others[1].Type == "follow" {
		t.Errorf("types[]=mention gave %d, exclude_types[] mention and follow %d", len(mentions), len(others))
	}
	var pages [][]notification
	next := "/api/v1/notifications?limit=2"
	var prev string
	for next != "" {
		var p []notification
		resp := a.get(t, next, a.token, &p)
		l := links(t, resp.Header.Get("Link"))
		pages, next, prev = append(pages, p), strings.TrimPrefix(l["next"], a.base), strings.TrimPrefix(l["prev"], a.base)
	}
	if len(pages) != 3 || len(pages[2]) != 1 || !strings.Contains(prev, "min_id=") || !strings.Contains(prev, "limit=2") {
		t.Fatalf("%d pages, the last of %d, prev %q", len(pages), len(pages[len(pages)-1]), prev)
	}
	var back []notification
	a.get(t, prev, a.token, &back)
	if len(back) != 2 || back[0].ID != pages[1][0].ID || back[1].ID != pages[1][1].ID {
		t.Errorf("min_id page %v, want the second page", back)
	}
}

// TestDismissAndClear: one notification dismissed is gone for the account
// (GET by id too); a clear leaves none; what comes after a clear shows.
// Both stores run it.
func TestDismissAndClear(t *testing.T) { apptest.OnBothStores(t, dismissAndClear) }

func dismissAndClear(t *testing.T, store func(*config.Config)) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	a, c, _ := withNotifications(ctx, t, store)
	var all []notification
	a.get(t, "/api/v1/notifications", a.token, &all)
	var one notification
	if resp := a.get(t, "/api/v1/notifications/"+all[1].ID, a.token, &one); resp.StatusCode != 200 || one.ID != all[1].ID {
		t.Fatalf("GET notification: HTTP %d %+v", resp.StatusCode, one)
	}
	if resp, body := apptest.AdminDo(t, http.MethodPost, a.base+"/api/v1/notifications/"+all[1].ID+"/dismiss", a.token); resp.StatusCode != 200 || strings.TrimSpace(string(body)) != "{}" {
		t.Fatalf("dismiss: HTTP %d %s", resp.StatusCode, body)
	}
	var left []notification
	a.get(t, "/api/v1/notifications", a.token, &left)
	if len(left) != len(all)-1 || slices.ContainsFunc(left, func(n notification) bool { return n.ID == all[1].ID }) {
		t.Errorf("after dismissing %s: %d left", all[1].ID, len(left))
	}
	a.wantError(t, "/api/v1/notifications/"+all[1].ID, a.token, 404, "Record not found")
	if resp, _ := apptest.AdminDo(t, http.MethodPost, a.base+"/api/v1/notifications/"+all[1].ID+"/dismiss", a.token); resp.StatusCode != 404 {
		t.Errorf("dismissing again: HTTP %d, want 404", resp.StatusCode)
	}
	if resp, body := apptest.AdminDo(t, http.MethodPost, a.base+"/api/v1/notifications/clear", a.token); resp.StatusCode != 200 || strings.TrimSpace(string(body)) != "{}" {
		t.Fatalf("clear: HTTP %d %s", resp.StatusCode, body)
	}
	a.get(t, "/api/v1/notifications", a.token, &left)
	if len(left) != 0 {
		t.Errorf("after clearing: %d notifications", len(left))
	}
	time.Sleep(2 * time.Millisecond) // a notification of the clear's own millisecond is cleared
	dm, _ := c.question(actor.URLs{Base: a.base}.Actor("news"), "Nog een vraag")
	c.send(ctx, t, a.base, dm)
	a.get(t, "/api/v1/notifications", a.token, &left)
	if len(left) != 1 || left[0].Type != "mention" {
		t.Errorf("after a new message: %+v", left)
	}
}

// TestNotificationsScopes: no token 401, a token without the scope 403,
// reading needs read:notifications, dismissing write:notifications.
func TestNotificationsScopes(t *testing.T) {
	a := startAPI(t, nil)
	a.wantError(t, "/api/v1/notifications", "", 401, "The access token is invalid")
	readOnly := apptest.RegisterApp(t, a.base, "https://app.example/callback", "read:notifications")
	tok := apptest.SignInToken(t, a.base, readOnly, "read:notifications", "alice", a.password)
	if resp := a.get(t, "/api/v1/notifications", tok, nil); resp.StatusCode != 200 {
		t.Errorf("read:notifications: HTTP %d", resp.StatusCode)
	}
	if resp, _ := apptest.AdminDo(t, http.MethodPost, a.base+"/api/v1/notifications/clear", tok); resp.StatusCode != 403 {
		t.Errorf("clear with read:notifications: HTTP %d, want 403", resp.StatusCode)
	}
	statusesOnly := apptest.RegisterApp(t, a.base, "https://app.example/callback", "read:statuses")
	tok = apptest.SignInToken(t, a.base, statusesOnly, "read:statuses", "alice", a.password)
	a.wantError(t, "/api/v1/notifications", tok, 403, "This action is outside the authorized scopes")
}
