package clientapi_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"herald/apptest"
	"herald/config"
)

// account is what the tests read of an Account.
type account struct {
	ID             string `json:"id"`
	Username       string `json:"username"`
	Acct           string `json:"acct"`
	DisplayName    string `json:"display_name"`
	Bot            bool   `json:"bot"`
	URL            string `json:"url"`
	CreatedAt      string `json:"created_at"`
	Avatar         string `json:"avatar"`
	StatusesCount  int    `json:"statuses_count"`
	FollowersCount int    `json:"followers_count"`
	LastStatusAt   string `json:"last_status_at"`
	Fields         []struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	} `json:"fields"`
	Source *struct {
		Privacy string `json:"privacy"`
		Note    string `json:"note"`
	} `json:"source"`
}

// TestVerifyCredentials: the signed-in account with its source; no token
// or a revoked one is 401, an app-only token 422, a token without a read
// scope 403, each in Mastodon's words.
func TestVerifyCredentials(t *testing.T) {
	a := startAPI(t, nil)
	var me account
	resp := a.get(t, "/api/v1/accounts/verify_credentials", a.token, &me)
	if resp.StatusCode != 200 || me.Username != "news" || me.Acct != "news" || !me.Bot || me.Source == nil || me.Source.Privacy != "public" ||
		me.StatusesCount != 5 || me.URL != a.base+"/users/news" || !regexp.MustCompile(`^\d+$`).MatchString(me.ID) ||
		!strings.HasSuffix(me.CreatedAt, "T00:00:00.000Z") || me.Avatar == "" || me.DisplayName != "Ministerie van Voorbeeldzaken" {
		t.Errorf("verify_credentials: HTTP %d %+v", resp.StatusCode, me)
	}
	a.wantError(t, "/api/v1/accounts/verify_credentials", "", 401, "The access token is invalid")
	a.wantError(t, "/api/v1/accounts/verify_credentials", "made-up-token", 401, "The access token is invalid")

	status, v := apptest.Token(t, a.base, url.Values{"grant_type": {"client_credentials"}, "client_id": {a.app.ClientID}, "client_secret": {a.app.ClientSecret}})
	if status != 200 {
		t.Fatalf("app token: %d %v", status, v)
	}
	a.wantError(t, "/api/v1/accounts/verify_credentials", v["access_token"].(string), 422, "This method requires an authenticated user")

	writeOnly := apptest.SignInToken(t, a.base, a.app, "write", "alice", a.password)
	a.wantError(t, "/api/v1/accounts/verify_credentials", writeOnly, 403, "This action is outside the authorized scopes")
	profileApp := apptest.RegisterApp(t, a.base, "https://app.example/callback", "profile")
	profileOnly := apptest.SignInToken(t, a.base, profileApp, "profile", "alice", a.password)
	if resp := a.get(t, "/api/v1/accounts/verify_credentials", profileOnly, nil); resp.StatusCode != 200 {
		t.Errorf("profile scope: HTTP %d, want 200", resp.StatusCode)
	}
	if status, _ := apptest.PostJSONForm(t, a.base+"/oauth/revoke", url.Values{"client_id": {a.app.ClientID}, "client_secret": {a.app.ClientSecret}, "token": {a.token}}); status != 200 {
		t.Fatalf("revoke: HTTP %d", status)
	}
	a.wantError(t, "/api/v1/accounts/verify_credentials", a.token, 401, "The access token was revoked")
	a.wantError(t, "/api/v1/accounts/lookup?acct=news", a.token, 401, "The access token was revoked")
}

// TestAccountLookup: by id and by handle in its forms, without a token
// too (the accounts are public); other domains and unknown ids are
// Mastodon's 404.
func TestAccountLookup(t *testing.T) {
	a := startAPI(t, nil)
	var me account
	a.get(t, "/api/v1/accounts/verify_credentials", a.token, &me)
	host := strings.TrimPrefix(a.base, "http://")
	for _, acct := range []string{"news", "@news", "news@" + host, "@NEWS@" + host} {
		var got account
		resp := a.get(t, "/api/v1/accounts/lookup?acct="+url.QueryEscape(acct), "", &got)
		if resp.StatusCode != 200 || got.ID != me.ID || got.Source != nil {
			t.Errorf("lookup %s: HTTP %d %+v", acct, resp.StatusCode, got)
		}
	}
	var byID account
	if resp := a.get(t, "/api/v1/accounts/"+me.ID, a.token, &byID); resp.StatusCode != 200 || byID.Username != "news" {
		t.Errorf("account by id: HTTP %d %+v", resp.StatusCode, byID)
	}
	var weather account
	a.get(t, "/api/v1/accounts/lookup?acct=weather", "", &weather)
	if weather.ID == me.ID || weather.ID == "" {
		t.Errorf("weather's id %q, news's %q", weather.ID, me.ID)
	}
	a.wantError(t, "/api/v1/accounts/lookup?acct=news@mastodon.example", "", 404, "Record not found")
	a.wantError(t, "/api/v1/accounts/lookup?acct=nobody", "", 404, "Record not found")
	a.wantError(t, "/api/v1/accounts/12345", "", 404, "Record not found")
	a.wantError(t, "/api/v1/accounts/lookup", "", 400, "param is missing or the value is empty: acct")
}

// TestAuthorizedFetchAPI: in authorized-fetch mode the API needs a token,
// as Mastodon's does (disallow_unauthenticated_api_access).
func TestAuthorizedFetchAPI(t *testing.T) {
	a := startAPI(t, func(c *config.Config) { c.AuthorizedFetch = true })
	a.wantError(t, "/api/v1/accounts/lookup?acct=news", "", 401, "This method requires an authenticated user")
	if resp := a.get(t, "/api/v1/accounts/lookup?acct=news", a.token, nil); resp.StatusCode != http.StatusOK {
		t.Errorf("with a token: HTTP %d", resp.StatusCode)
	}
	if resp := a.get(t, "/api/v2/instance", "", nil); resp.StatusCode != http.StatusOK {
		t.Errorf("instance: HTTP %d, want 200 (always public)", resp.StatusCode)
	}
}
