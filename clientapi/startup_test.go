package clientapi_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"herald/apptest"
	"herald/config"
)

// emptyLists are the endpoints that answer an empty list, and whether
// they need a token for an account.
var emptyLists = map[string]bool{
	"/api/v1/custom_emojis": false, "/api/v1/trends": false, "/api/v1/trends/tags": false, "/api/v1/trends/statuses": false,
	"/api/v1/trends/links": false, "/api/v1/filters": true, "/api/v2/filters": true, "/api/v1/lists": true,
	"/api/v1/announcements": true, "/api/v1/followed_tags": true, "/api/v1/follow_requests": true, "/api/v1/favourites": true,
	"/api/v1/bookmarks": true, "/api/v1/notifications/requests": true,
}

// TestStartupEndpoints: what apps ask for when they start answers as
// Mastodon does for an account and a server without such things: empty
// lists (401 without a token where Mastodon needs one), the preferences,
// the notification policy (nothing filtered),
// whom an account follows (no one; 404 for an account Herald does not
// know).
func TestStartupEndpoints(t *testing.T) {
	a := startAPI(t, nil)
	for path, signed := range emptyLists {
		var list []any
		if resp := a.get(t, path, a.token, &list); resp.StatusCode != 200 || list == nil || len(list) != 0 {
			t.Errorf("GET %s: HTTP %d %v, want []", path, resp.StatusCode, list)
		}
		if signed {
			a.wantError(t, path, "", 401, "The access token is invalid")
		} else if resp := a.get(t, path, "", nil); resp.StatusCode != 200 {
			t.Errorf("GET %s without a token: HTTP %d", path, resp.StatusCode)
		}
	}
	var prefs map[string]any
	if resp := a.get(t, "/api/v1/preferences", a.token, &prefs); resp.StatusCode != 200 || prefs["posting:default:visibility"] != "public" ||
		prefs["posting:default:sensitive"] != false || prefs["reading:expand:media"] != "default" {
		t.Errorf("preferences: HTTP %d %v", resp.StatusCode, prefs)
	}
	var policy map[string]any
	if resp := a.get(t, "/api/v2/notifications/policy", a.token, &policy); resp.StatusCode != 200 || policy["for_private_mentions"] != "accept" ||
		policy["summary"].(map[string]any)["pending_requests_count"] != 0.0 {
		t.Errorf("notification policy: HTTP %d %v", resp.StatusCode, policy)
	}
	var me account
	a.get(t, "/api/v1/accounts/verify_credentials", a.token, &me)
	var following []any
	if resp := a.get(t, "/api/v1/accounts/"+me.ID+"/following", "", &following); resp.StatusCode != 200 || following == nil || len(following) != 0 {
		t.Errorf("following: HTTP %d %v", resp.StatusCode, following)
	}
	a.wantError(t, "/api/v1/accounts/12345/following", "", 404, "Record not found")
}

// TestMarkers: the read positions are kept per account (both stores):
// none at first; saved from a form and from JSON, version 0, then one
// more for each move, none for the same id again; unread_count counts
// the notification groups above the notifications marker.
func TestMarkers(t *testing.T) { apptest.OnBothStores(t, markers) }

func markers(t *testing.T, store func(*config.Config)) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	a, _, _ := withNotifications(ctx, t, store)
	var got map[string]map[string]any
	if a.get(t, "/api/v1/markers?timeline[]=home&timeline[]=notifications", a.token, &got); len(got) != 0 {
		t.Errorf("markers at first: %v", got)
	}
	var groups groupedAnswer
	a.get(t, "/api/v2/notifications", a.token, &groups)
	third := groups.Groups[2].MostRecent
	if code := a.send(t, http.MethodPost, "/api/v1/markers", a.token, url.Values{"notifications[last_read_id]": {third}}, nil, &got); code != 200 ||
		got["notifications"]["last_read_id"] != third || got["notifications"]["version"] != 0.0 {
		t.Errorf("POST a form: HTTP %d %v", code, got)
	}
	var count map[string]int
	if a.get(t, "/api/v2/notifications/unread_count", a.token, &count); count["count"] != 2 {
		t.Errorf("unread_count above the marker: %v, want 2", count)
	}
	for k, want := range []float64{0, 0, 1} {
		id := []string{"111", "111", "222"}[k]
		body := strings.NewReader(`{"home": {"last_read_id": "` + id + `"}}`)
		req, _ := http.NewRequest(http.MethodPost, a.base+"/api/v1/markers", body)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+a.token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if a.get(t, "/api/v1/markers?timeline[]=home&timeline[]=notifications", a.token, &got); got["home"]["last_read_id"] != id ||
			got["home"]["version"] != want || got["notifications"]["last_read_id"] != third {
			t.Errorf("POST JSON %d: HTTP %d, then %v", k, resp.StatusCode, got)
		}
	}
	a.wantError(t, "/api/v1/markers", "", 401, "The access token is invalid")
}
