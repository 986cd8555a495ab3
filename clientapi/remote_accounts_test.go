package clientapi_test

import (
	"context"
	"fmt"
	"net/url"
	"testing"
	"time"

	"herald/apptest"
)

// relationship is what the tests read of a Relationship.
type relationship struct {
	ID         string `json:"id"`
	Following  bool   `json:"following"`
	FollowedBy bool   `json:"followed_by"`
}

// authorOf returns the account id of the citizen, as the notifications
// give it.
func authorOf(t *testing.T, a *apiHerald) string {
	t.Helper()
	var all []notification
	a.get(t, "/api/v1/notifications?types[]=follow", a.token, &all)
	if len(all) != 1 {
		t.Fatalf("follow notifications: %+v", all)
	}
	return all[0].Account.ID
}

// TestRemoteAccount: the author of a notification is an account of its
// own at /api/v1/accounts/:id, for the token and for anyone; its posts
// are those Herald received from it (the direct one only for the token
// of the account it was sent to); an id Herald does not know is 404.
func TestRemoteAccount(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	a, c, _ := withNotifications(ctx, t, nil)
	id := authorOf(t, a)
	for _, token := range []string{a.token, ""} {
		var acc account
		if resp := a.get(t, "/api/v1/accounts/"+id, token, &acc); resp.StatusCode != 200 || acc.ID != id || acc.Acct != c.acct() ||
			acc.DisplayName != "Alice Burger" || acc.URL != c.id() {
			t.Errorf("GET the author (token %v): HTTP %d %+v", token != "", resp.StatusCode, acc)
		}
	}
	var mine, public, noReplies []status
	a.get(t, "/api/v1/accounts/"+id+"/statuses", a.token, &mine)
	a.get(t, "/api/v1/accounts/"+id+"/statuses", "", &public)
	a.get(t, "/api/v1/accounts/"+id+"/statuses?exclude_replies=true", a.token, &noReplies)
	if len(mine) != 2 || mine[0].Visibility != "direct" || mine[1].Visibility != "public" || idNumber(t, mine[0].ID) <= idNumber(t, mine[1].ID) {
		t.Errorf("the author's posts for the token: %+v, want the direct message, then the reply", mine)
	}
	if len(public) != 1 || public[0].Visibility != "public" || len(noReplies) != 1 || noReplies[0].Visibility != "direct" {
		t.Errorf("the author's posts for anyone %+v, without replies %+v", public, noReplies)
	}
	var paged []status
	resp := a.get(t, "/api/v1/accounts/"+id+"/statuses?limit=1", a.token, &paged)
	next := links(t, resp.Header.Get("Link"))["next"]
	if len(paged) != 1 || paged[0].ID != mine[0].ID || next == "" {
		t.Errorf("limit=1: %+v, next %q", paged, next)
	}
	a.wantError(t, "/api/v1/accounts/12345", a.token, 404, "Record not found")
	a.wantError(t, "/api/v1/accounts/12345/statuses", "", 404, "Record not found")
	checkRelationships(t, a, id)
	checkSearch(t, a, id, c.acct())
}

// checkSearch: the citizen is found by lookup and by search, by her
// handle; news by its own; no statuses or hashtags; an unknown remote
// handle is 404; resolving without a token is 401.
func checkSearch(t *testing.T, a *apiHerald, citizen, acct string) {
	t.Helper()
	var acc account
	if resp := a.get(t, "/api/v1/accounts/lookup?acct="+acct, a.token, &acc); resp.StatusCode != 200 || acc.ID != citizen {
		t.Errorf("lookup %s: HTTP %d %+v", acct, resp.StatusCode, acc)
	}
	a.wantError(t, "/api/v1/accounts/lookup?acct=nobody@elsewhere.example", a.token, 404, "Record not found")
	var accounts []account
	if a.get(t, "/api/v1/accounts/search?q=alice", a.token, &accounts); len(accounts) != 1 || accounts[0].ID != citizen {
		t.Errorf("accounts/search?q=alice: %+v", accounts)
	}
	var found struct {
		Accounts []account `json:"accounts"`
		Statuses []any     `json:"statuses"`
		Hashtags []any     `json:"hashtags"`
	}
	if a.get(t, "/api/v2/search?type=accounts&q=@"+acct, a.token, &found); len(found.Accounts) != 1 || found.Accounts[0].ID != citizen {
		t.Errorf("search %s: %+v", acct, found)
	}
	if a.get(t, "/api/v2/search?q=new", "", &found); len(found.Accounts) != 1 || found.Accounts[0].Username != "news" ||
		found.Statuses == nil || len(found.Statuses) != 0 || found.Hashtags == nil {
		t.Errorf("search new: %+v", found)
	}
	a.wantError(t, "/api/v2/search?q=x&resolve=true", "", 401, "Search queries that resolve remote resources are not supported without authentication")
}

// checkRelationships: the citizen follows news, news follows no one; an
// unknown id is left out; no familiar followers; no featured tags.
func checkRelationships(t *testing.T, a *apiHerald, citizen string) {
	t.Helper()
	var me account
	a.get(t, "/api/v1/accounts/verify_credentials", a.token, &me)
	var rels []relationship
	q := url.Values{"id[]": {citizen, me.ID, "12345"}}
	if resp := a.get(t, "/api/v1/accounts/relationships?"+q.Encode(), a.token, &rels); resp.StatusCode != 200 || len(rels) != 2 ||
		rels[0] != (relationship{ID: citizen, FollowedBy: true}) || rels[1] != (relationship{ID: me.ID}) {
		t.Errorf("relationships: HTTP %d %+v", resp.StatusCode, rels)
	}
	a.wantError(t, "/api/v1/accounts/relationships?id[]="+citizen, "", 401, "The access token is invalid")
	var familiar []map[string]any
	a.get(t, "/api/v1/accounts/familiar_followers?id[]="+citizen, a.token, &familiar)
	if fmt.Sprint(familiar) != "[map[accounts:[] id:"+citizen+"]]" {
		t.Errorf("familiar_followers: %v", familiar)
	}
	var tags []any
	if resp := a.get(t, "/api/v1/accounts/"+citizen+"/featured_tags", "", &tags); resp.StatusCode != 200 || len(tags) != 0 {
		t.Errorf("featured_tags: HTTP %d %v", resp.StatusCode, tags)
	}
	a.wantError(t, "/api/v1/accounts/12345/featured_tags", "", 404, "Record not found")
}

// TestOwnDirectPosts: the account's own token sees its direct posts
// among its statuses, as Mastodon shows an account its own; anyone else
// (without a token, or with another account's) does not.
func TestOwnDirectPosts(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	a, c, _ := withNotifications(ctx, t, nil)
	var dms []notification
	a.get(t, "/api/v1/notifications?types[]=mention", a.token, &dms)
	var question string
	for _, n := range dms {
		if n.Status.Visibility == "direct" {
			question = n.Status.ID
		}
	}
	direct := a.post(t, url.Values{"status": {"@" + c.acct() + " Ja."}, "in_reply_to_id": {question}, "visibility": {"direct"}})
	var me account
	a.get(t, "/api/v1/accounts/verify_credentials", a.token, &me)
	var own, public, page []status
	a.get(t, "/api/v1/accounts/"+me.ID+"/statuses", a.token, &own)
	a.get(t, "/api/v1/accounts/"+me.ID+"/statuses", "", &public)
	if len(own) != 6 || own[0].ID != direct.ID || own[0].Visibility != "direct" {
		t.Errorf("the account's own statuses: %d, the first %+v; want 6, the direct answer first", len(own), own[0])
	}
	weather := apptest.SignInToken(t, a.base, a.app, "read write follow push", "bob", apptest.AddWebcareUser(t, a.Herald, "bob", "weather"))
	var other []status
	a.get(t, "/api/v1/accounts/"+me.ID+"/statuses", weather, &other)
	if len(public) != 5 || public[0].ID == direct.ID || len(other) != 5 || other[0].ID == direct.ID {
		t.Errorf("the statuses for anyone: %d, for another account's token %d; want the 5 feed posts", len(public), len(other))
	}
	a.get(t, "/api/v1/accounts/"+me.ID+"/statuses?limit=2&max_id="+direct.ID, a.token, &page)
	if len(page) != 2 || page[0].ID != own[1].ID {
		t.Errorf("below the direct answer: %+v", page)
	}
	a.get(t, "/api/v1/accounts/"+me.ID+"/statuses?limit=2&min_id="+own[1].ID, a.token, &page)
	if len(page) != 1 || page[0].ID != direct.ID {
		t.Errorf("above the newest feed post: %+v", page)
	}
}
