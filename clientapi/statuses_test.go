package clientapi_test

import (
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"herald/actor"
	"herald/apptest"
	"herald/config"
	"herald/store"
)

// status is what the tests read of a Status.
type status struct {
	ID              string `json:"id"`
	URI             string `json:"uri"`
	URL             string `json:"url"`
	CreatedAt       string `json:"created_at"`
	Content         string `json:"content"`
	Visibility      string `json:"visibility"`
	Language        string `json:"language"`
	FavouritesCount int    `json:"favourites_count"`
	Pinned          *bool  `json:"pinned"`
	Account         struct {
		Username string `json:"username"`
	} `json:"account"`
	MediaAttachments []struct {
		Type        string `json:"type"`
		URL         string `json:"url"`
		Description string `json:"description"`
	} `json:"media_attachments"`
	Tags []struct {
		Name string `json:"name"`
		URL  string `json:"url"`
	} `json:"tags"`
}

// links parses a Link header into rel → URL.
func links(t *testing.T, header string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, m := range regexp.MustCompile(`<([^>]+)>; rel="(\w+)"`).FindAllStringSubmatch(header, -1) {
		out[m[2]] = m[1]
	}
	return out
}

func idNumber(t *testing.T, id string) uint64 {
	t.Helper()
	n, err := strconv.ParseUint(id, 10, 64)
	if err != nil {
		t.Fatalf("id %q is not a number", id)
	}
	return n
}

// TestAccountStatusesPaging pages through the five posts two at a time
// by the Link headers (next: older, with max_id), checks that ids fall
// with time, and pages back with min_id and since_id.
func TestAccountStatusesPaging(t *testing.T) {
	a := startAPI(t, nil)
	var me account
	a.get(t, "/api/v1/accounts/verify_credentials", a.token, &me)
	var all []status
	next := a.base + "/api/v1/accounts/" + me.ID + "/statuses?limit=2"
	var prev []string
	for next != "" {
		var page []status
		resp := a.get(t, strings.TrimPrefix(next, a.base), a.token, &page)
		if resp.StatusCode != 200 || len(page) == 0 || len(page) > 2 {
			t.Fatalf("GET %s: HTTP %d, %d statuses", next, resp.StatusCode, len(page))
		}
		l := links(t, resp.Header.Get("Link"))
		all, next, prev = append(all, page...), l["next"], append(prev, l["prev"])
	}
	if len(all) != 5 {
		t.Fatalf("%d statuses in all pages, want 5", len(all))
	}
	for i := 1; i < len(all); i++ {
		if idNumber(t, all[i].ID) >= idNumber(t, all[i-1].ID) || all[i].CreatedAt > all[i-1].CreatedAt {
			t.Errorf("status %d (%s, %s) does not come before %s, %s", i, all[i].ID, all[i].CreatedAt, all[i-1].ID, all[i-1].CreatedAt)
		}
	}
	var newer []status
	a.get(t, strings.TrimPrefix(prev[2], a.base), a.token, &newer) // min_id: the two right above the last page
	if len(newer) != 2 || newer[0].ID != all[2].ID || newer[1].ID != all[3].ID {
		t.Errorf("min_id page = %v, want %s, %s", ids(newer), all[2].ID, all[3].ID)
	}
	var newest []status
	a.get(t, "/api/v1/accounts/"+me.ID+"/statuses?limit=2&since_id="+all[4].ID, "", &newest)
	if len(newest) != 2 || newest[0].ID != all[0].ID {
		t.Errorf("since_id page = %v, want the two newest", ids(newest))
	}
	var between []status
	a.get(t, "/api/v1/accounts/"+me.ID+"/statuses?max_id="+all[0].ID+"&since_id="+all[3].ID, "", &between)
	if !slices.Equal(ids(between), ids(all[1:3])) {
		t.Errorf("max_id and since_id = %v, want %v", ids(between), ids(all[1:3]))
	}
	for _, s := range all {
		var one status
		if resp := a.get(t, "/api/v1/statuses/"+s.ID, "", &one); resp.StatusCode != 200 || one.URI != s.URI || one.Content != s.Content {
			t.Errorf("statuses/%s: HTTP %d %+v", s.ID, resp.StatusCode, one)
		}
	}
}

func ids(ss []status) []string {
	var out []string
	for _, s := range ss {
		out = append(out, s.ID)
	}
	return out
}

// TestStatusContent: a post's text, images with alt text, hashtags,
// counts of likes, language and filters; pinned posts; unknown ids and
// a token without read scopes.
func TestStatusContent(t *testing.T) {
	a := startAPI(t, func(c *config.Config) { c.Feeds[0].Featured = []string{"http://127.0.0.1:8081/?p=4"} })
	urls := actor.URLs{Base: a.base}
	media := urls.Object("news", "http://127.0.0.1:8081/?p=6")
	if _, err := a.Store().AddInteraction(store.Interaction{ID: "https://m.example/likes/1", Kind: store.KindLike, Actor: "https://m.example/users/u",
		Object: media, Received: time.Now()}); err != nil {
		t.Fatal(err)
	}
	var me account
	a.get(t, "/api/v1/accounts/verify_credentials", a.token, &me)
	var withMedia []status
	a.get(t, "/api/v1/accounts/"+me.ID+"/statuses?only_media=true", "", &withMedia)
	if len(withMedia) != 1 || withMedia[0].URI != media {
		t.Fatalf("only_media = %+v, want the post with images", withMedia)
	}
	s := withMedia[0]
	if s.Visibility != "public" || s.Language != "nl" || s.FavouritesCount != 1 || s.Account.Username != "news" || s.URL != media ||
		len(s.MediaAttachments) != 1 || s.MediaAttachments[0].Type != "image" || s.MediaAttachments[0].Description != "De Oosterscheldekering bij storm" ||
		len(s.Tags) != 1 || s.Tags[0].Name != "Multimedia" || !strings.Contains(s.Content, "Oosterscheldekering") {
		t.Errorf("post with images: %+v", s)
	}
	var tagged []status
	a.get(t, "/api/v1/accounts/"+me.ID+"/statuses?tagged=multimedia", "", &tagged)
	if len(tagged) != 1 || tagged[0].ID != s.ID {
		t.Errorf("tagged = %v", ids(tagged))
	}
	var pinned []status
	a.get(t, "/api/v1/accounts/"+me.ID+"/statuses?pinned=true", a.token, &pinned)
	if len(pinned) != 1 || pinned[0].URI != urls.Object("news", "http://127.0.0.1:8081/?p=4") || pinned[0].Pinned == nil || !*pinned[0].Pinned {
		t.Errorf("pinned = %+v", pinned)
	}
	a.wantError(t, "/api/v1/statuses/"+strconv.FormatUint(idNumber(t, s.ID)+1, 10), "", 404, "Record not found")
	a.wantError(t, "/api/v1/statuses/abc", "", 404, "Record not found")

	accountsOnly := apptest.RegisterApp(t, a.base, "https://app.example/callback", "read:accounts")
	tok := apptest.SignInToken(t, a.base, accountsOnly, "read:accounts", "alice", a.password)
	a.wantError(t, "/api/v1/statuses/"+s.ID, tok, http.StatusForbidden, "This action is outside the authorized scopes")
	if resp := a.get(t, "/api/v1/accounts/lookup?acct=news", tok, nil); resp.StatusCode != 200 {
		t.Errorf("read:accounts on lookup: HTTP %d", resp.StatusCode)
	}
}
