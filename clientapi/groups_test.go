package clientapi_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"herald/actor"
	"herald/apptest"
)

// groupedAnswer is what the tests read of GET /api/v2/notifications.
type groupedAnswer struct {
	Accounts []account `json:"accounts"`
	Statuses []status  `json:"statuses"`
	Groups   []struct {
		GroupKey   string   `json:"group_key"`
		Count      int      `json:"notifications_count"`
		Type       string   `json:"type"`
		MostRecent string   `json:"most_recent_notification_id"`
		PageMinID  string   `json:"page_min_id"`
		PageMaxID  string   `json:"page_max_id"`
		Samples    []string `json:"sample_account_ids"`
		StatusID   *string  `json:"status_id"`
	} `json:"notification_groups"`
}

// keys returns the answer's group keys by type.
func (g groupedAnswer) keys() map[string][]string {
	out := map[string][]string{}
	for _, gr := range g.Groups {
		out[gr.Type] = append(out[gr.Type], gr.GroupKey)
	}
	return out
}

// withTwoCitizens is withNotifications with a second citizen, on another
// server, who follows news and likes the same post as the first.
func withTwoCitizens(ctx context.Context, t *testing.T) (*apiHerald, string) {
	t.Helper()
	a, _, postID := withNotifications(ctx, t, nil)
	d := newCitizen(t)
	urls := actor.URLs{Base: a.base}
	d.send(ctx, t, a.base, d.react("Like", urls.Object("news", "http://127.0.0.1:8081/?p=4")))
	d.follow(ctx, t, a.base, urls.Actor("news"))
	return a, postID
}

// TestGroupedNotifications: the two favourites of one post are one group
// (favourite-STATUS-HOUR) of two, the two follows another (follow-HOUR);
// the reblog is a group of one, each mention its own (ungrouped-ID);
// accounts and statuses come once each; grouped_types[] and types[]
// change the grouping and what is kept.
func TestGroupedNotifications(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	a, postID := withTwoCitizens(ctx, t)
	var g groupedAnswer
	if resp := a.get(t, "/api/v2/notifications", a.token, &g); resp.StatusCode != 200 {
		t.Fatalf("HTTP %d", resp.StatusCode)
	}
	keys := g.keys()
	if len(g.Groups) != 5 || len(g.Accounts) != 2 || len(g.Statuses) != 3 || len(keys["mention"]) != 2 {
		t.Fatalf("groups %v, %d accounts, %d statuses; want 5 groups (2 mentions), 2 accounts, 3 statuses", keys, len(g.Accounts), len(g.Statuses))
	}
	for i, gr := range g.Groups {
		wantCount, prefix := 1, "ungrouped-"+gr.MostRecent
		switch gr.Type {
		case "favourite":
			wantCount, prefix = 2, "favourite-"+postID+"-"
		case "follow":
			wantCount, prefix = 2, "follow-"
		case "reblog":
			prefix = "reblog-" + postID + "-"
		}
		if gr.Count != wantCount || !strings.HasPrefix(gr.GroupKey, prefix) || len(gr.Samples) != wantCount || gr.PageMaxID != gr.MostRecent || gr.PageMinID == "" {
			t.Errorf("group %s: %+v, want %d notifications and a key starting %s", gr.Type, gr, wantCount, prefix)
		}
		if (gr.StatusID == nil) != (gr.Type == "follow") || i > 0 && idNumber(t, gr.MostRecent) >= idNumber(t, g.Groups[i-1].MostRecent) {
			t.Errorf("group %s: status %v, or not newest first", gr.Type, gr.StatusID)
		}
	}
	var ungroupedFollows, favourites groupedAnswer
	a.get(t, "/api/v2/notifications?grouped_types[]=favourite", a.token, &ungroupedFollows)
	a.get(t, "/api/v2/notifications?types[]=favourite", a.token, &favourites)
	if k := ungroupedFollows.keys(); len(k["follow"]) != 2 || !strings.HasPrefix(k["follow"][0], "ungrouped-") || len(k["favourite"]) != 1 {
		t.Errorf("grouped_types[]=favourite: %v", k)
	}
	if k := favourites.keys(); len(favourites.Groups) != 1 || len(k["favourite"]) != 1 || len(favourites.Statuses) != 1 {
		t.Errorf("types[]=favourite: %v", k)
	}
	var count map[string]int
	if a.get(t, "/api/v2/notifications/unread_count", a.token, &count); count["count"] != 5 {
		t.Errorf("unread_count: %v, want 5", count)
	}
	checkGroupShowAndDismiss(t, a, keys["favourite"][0])
	checkUngroupedKeys(t, a, keys["follow"][0])
}

// checkUngroupedKeys: "ungrouped-ID", as the first version's
// notifications name their groups, names that notification: GET gives
// its group (the follows, two), dismissing it dismisses it alone.
func checkUngroupedKeys(t *testing.T, a *apiHerald, followKey string) {
	t.Helper()
	var follows []notification
	a.get(t, "/api/v1/notifications?types[]=follow", a.token, &follows)
	if len(follows) != 2 || follows[0].GroupKey != "ungrouped-"+follows[0].ID {
		t.Fatalf("follows: %+v", follows)
	}
	var one groupedAnswer
	if a.get(t, "/api/v2/notifications/"+follows[1].GroupKey, a.token, &one); len(one.Groups) != 1 || one.Groups[0].GroupKey != followKey || one.Groups[0].Count != 2 {
		t.Errorf("GET %s: %+v, want the follows' group of 2", follows[1].GroupKey, one)
	}
	if resp, _ := apptest.AdminDo(t, http.MethodPost, a.base+"/api/v2/notifications/"+follows[1].GroupKey+"/dismiss", a.token); resp.StatusCode != 200 {
		t.Fatalf("dismiss %s: HTTP %d", follows[1].GroupKey, resp.StatusCode)
	}
	if a.get(t, "/api/v2/notifications/"+followKey, a.token, &one); len(one.Groups) != 1 || one.Groups[0].Count != 1 {
		t.Errorf("after dismissing one follow: %+v, want a group of 1", one)
	}
}

// checkGroupShowAndDismiss: one group by its key, with all its
// notifications; dismissed, it is gone from both versions of the
// notifications; an unknown key is 404.
func checkGroupShowAndDismiss(t *testing.T, a *apiHerald, key string) {
	t.Helper()
	var one groupedAnswer
	if resp := a.get(t, "/api/v2/notifications/"+key, a.token, &one); resp.StatusCode != 200 || len(one.Groups) != 1 ||
		one.Groups[0].GroupKey != key || one.Groups[0].Count != 2 || one.Groups[0].PageMinID != "" || len(one.Accounts) != 2 {
		t.Fatalf("GET group %s: HTTP %d %+v", key, resp.StatusCode, one)
	}
	if resp, body := apptest.AdminDo(t, http.MethodPost, a.base+"/api/v2/notifications/"+key+"/dismiss", a.token); resp.StatusCode != 200 || strings.TrimSpace(string(body)) != "{}" {
		t.Fatalf("dismiss: HTTP %d %s", resp.StatusCode, body)
	}
	var after groupedAnswer
	var v1 []notification
	a.get(t, "/api/v2/notifications", a.token, &after)
	a.get(t, "/api/v1/notifications?types[]=favourite", a.token, &v1)
	if len(after.Groups) != 4 || len(after.keys()["favourite"]) != 0 || len(v1) != 0 {
		t.Errorf("after dismissing %s: groups %v, v1 favourites %d", key, after.keys(), len(v1))
	}
	a.wantError(t, "/api/v2/notifications/"+key, a.token, 404, "Record not found")
	a.wantError(t, "/api/v2/notifications/ungrouped-12345", a.token, 404, "Record not found")
}

// TestGroupedNotificationsPaging: pages of two groups through the Link
// headers reach every group (a group met again lower down comes again,
// with the notifications below the page before, as on Mastodon: the
// follows and favourites of the two citizens give pages F L, R L, F);
// the second page's prev link (min_id) gives the first page's groups.
func TestGroupedNotificationsPaging(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	a, _ := withTwoCitizens(ctx, t)
	var all groupedAnswer
	a.get(t, "/api/v2/notifications", a.token, &all)
	seen := map[string]bool{}
	var pages []groupedAnswer
	next := "/api/v2/notifications?limit=2&exclude_types[]=mention"
	for next != "" && len(pages) < 10 {
		var p groupedAnswer
		resp := a.get(t, next, a.token, &p)
		if len(p.Groups) > 2 {
			t.Errorf("page %d has %d groups", len(pages), len(p.Groups))
		}
		for _, gr := range p.Groups {
			seen[gr.GroupKey] = true
		}
		pages = append(pages, p)
		next = strings.TrimPrefix(links(t, resp.Header.Get("Link"))["next"], a.base)
	}
	var want []string
	for _, gr := range all.Groups {
		if gr.Type != "mention" {
			want = append(want, gr.GroupKey)
		}
	}
	if len(seen) != len(want) || slices.ContainsFunc(want, func(k string) bool { return !seen[k] }) || len(pages) < 3 {
		t.Fatalf("pages %d reached %v, want %v", len(pages), seen, want)
	}
	resp := a.get(t, "/api/v2/notifications?limit=2&exclude_types[]=mention", a.token, nil)
	second := strings.TrimPrefix(links(t, resp.Header.Get("Link"))["next"], a.base)
	var p2, back groupedAnswer
	resp = a.get(t, second, a.token, &p2)
	a.get(t, strings.TrimPrefix(links(t, resp.Header.Get("Link"))["prev"], a.base), a.token, &back)
	if len(back.Groups) != 2 || fmt.Sprint(back.keys()) != fmt.Sprint(pages[0].keys()) {
		t.Errorf("prev of the second page: %v, want the first page's groups %v", back.keys(), pages[0].keys())
	}
}
