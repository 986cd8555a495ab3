package oauth_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"herald/apptest"
	"herald/store"
)

// TestAdminTokenSignIn: the operator's token may use both accounts and is
// asked which (a ticket carries the sign-in, never the token); a forged
// ticket, or one made for another app, is refused; a publisher token goes straight to its one account.
// Out of band, the code is shown on the page.
func TestAdminTokenSignIn(t *testing.T) {
	h := startWebcare(t)
	app := apptest.RegisterApp(t, h.base, "urn:ietf:wg:oauth:2.0:oob", "read")
	browser := apptest.Browser(t)
	form, _ := apptest.SignInForm(t, browser, h.base, authQuery(app, "read", ""))
	form.Set("password", apptest.OperatorToken)
	resp, body := postForm(t, browser, h.base, "192.0.2.10", form)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "Choose an account") || strings.Contains(body, apptest.OperatorToken) {
		t.Fatalf("operator sign-in: HTTP %d; want the account choice, without the token", resp.StatusCode)
	}
	doc, _ := html.Parse(strings.NewReader(body))
	choice := apptest.FormFields(doc)
	if choice.Get("ticket") == "" {
		t.Fatal("no ticket on the account choice")
	}
	forged := url.Values{}
	for k, v := range choice {
		forged[k] = v
	}
	forged.Set("ticket", strings.Replace(choice.Get("ticket"), "A", "B", 1)+"x")
	forged.Set("account", "weather")
	if resp, _ := postForm(t, browser, h.base, "192.0.2.10", forged); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("forged ticket: HTTP %d, want 401", resp.StatusCode)
	}
	other := apptest.RegisterApp(t, h.base, "urn:ietf:wg:oauth:2.0:oob", "read")
	elsewhere := url.Values{}
	for k, v := range choice {
		elsewhere[k] = v
	}
	elsewhere.Set("client_id", other.ClientID)
	elsewhere.Set("account", "weather")
	if resp, _ := postForm(t, browser, h.base, "192.0.2.10", elsewhere); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("ticket of another app's sign-in: HTTP %d, want 401", resp.StatusCode)
	}
	choice.Set("account", "weather")
	choice.Set("decision", "approve")
	resp, body = postForm(t, browser, h.base, "192.0.2.10", choice)
	code := regexp.MustCompile(`id="code" readonly value="([^"]+)"`).FindStringSubmatch(body)
	if resp.StatusCode != http.StatusOK || code == nil {
		t.Fatalf("account chosen: HTTP %d; want the code page", resp.StatusCode)
	}
	status, v := apptest.Token(t, h.base, url.Values{"grant_type": {"authorization_code"}, "code": {code[1]}, "client_id": {app.ClientID},
		"client_secret": {app.ClientSecret}, "redirect_uri": {app.RedirectURI}})
	if status != http.StatusOK {
		t.Fatalf("token: HTTP %d %v", status, v)
	}
	entries, _ := h.Store().Audit(time.Time{}, 1)
	if len(entries) != 1 || entries[0].Who.Kind != store.PrincipalAdminToken || entries[0].Who.Name != "ops" || entries[0].Account != "weather" {
		t.Errorf("audit = %+v; want ops signed in to weather", entries)
	}

	form, _ = apptest.SignInForm(t, browser, h.base, authQuery(app, "read", ""))
	form.Set("password", apptest.PublisherToken)
	resp, body = postForm(t, browser, h.base, "192.0.2.11", form)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "Authorization code") {
		t.Errorf("publisher sign-in: HTTP %d; want the code at once", resp.StatusCode)
	}
}

// TestRevoke: an app revokes its own token (idempotent; an unknown token
// is fine too), not another app's; a revoked token answers 401 with
// Doorkeeper's words; removing a user revokes the user's tokens.
func TestRevoke(t *testing.T) {
	h := startWebcare(t)
	app := apptest.RegisterApp(t, h.base, "https://app.example/callback", "read")
	other := apptest.RegisterApp(t, h.base, "https://app.example/callback", "read")
	token := apptest.SignInToken(t, h.base, app, "read", "alice", h.password)
	revoke := func(a apptest.App, tok string) (int, map[string]any) {
		return apptest.PostJSONForm(t, h.base+"/oauth/revoke", url.Values{"client_id": {a.ClientID}, "client_secret": {a.ClientSecret}, "token": {tok}})
	}
	if status, v := revoke(other, token); status != http.StatusForbidden || v["error"] != "unauthorized_client" {
		t.Errorf("revoke by another app: HTTP %d %v", status, v)
	}
	if status, _ := revoke(app, "unknown"); status != http.StatusOK {
		t.Errorf("revoke an unknown token: HTTP %d, want 200", status)
	}
	for range 2 {
		if status, v := revoke(app, token); status != http.StatusOK {
			t.Fatalf("revoke: HTTP %d %v", status, v)
		}
	}
	resp, body := apptest.AdminGet(t, h.base+"/api/v1/apps/verify_credentials", token)
	if resp.StatusCode != http.StatusUnauthorized || string(body) != `{"error":"The access token was revoked"}`+"\n" ||
		!strings.Contains(resp.Header.Get("WWW-Authenticate"), "invalid_token") {
		t.Errorf("revoked token: HTTP %d %s", resp.StatusCode, body)
	}
	token = apptest.SignInToken(t, h.base, app, "read", "alice", h.password)
	if n, err := h.Store().RemoveWebcareUser("alice", time.Now()); err != nil || n != 1 {
		t.Fatalf("remove alice: %d, %v", n, err)
	}
	if resp, _ := apptest.AdminGet(t, h.base+"/api/v1/apps/verify_credentials", token); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("token of a removed user: HTTP %d, want 401", resp.StatusCode)
	}
	if resp, body := apptest.AdminGet(t, h.base+"/api/v1/apps/verify_credentials", "made-up"); resp.StatusCode != http.StatusUnauthorized ||
		!strings.Contains(string(body), "The access token is invalid") {
		t.Errorf("unknown token: HTTP %d %s", resp.StatusCode, body)
	}
}

// TestRegisterApp: Mastodon's validation errors (422), a JSON body with a
// list of redirect URIs, the default scope, app-only tokens (client
// credentials) within the app's scopes, and the server metadata.
func TestRegisterApp(t *testing.T) {
	h := startWebcare(t)
	for _, c := range []struct {
		name   string
		params url.Values
		want   string
	}{
		{"no name", url.Values{"redirect_uris": {"https://a.example/cb"}}, "Validation failed: Name can't be blank"},
		{"no redirect", url.Values{"client_name": {"x"}}, "Redirect URI can't be blank"},
		{"relative redirect", url.Values{"client_name": {"x"}, "redirect_uris": {"/cb"}}, "Redirect URI must be an absolute URI."},
		{"javascript redirect", url.Values{"client_name": {"x"}, "redirect_uris": {"javascript:alert(1)"}}, "Redirect URI is forbidden by the server."},
		{"fragment", url.Values{"client_name": {"x"}, "redirect_uris": {"https://a.example/cb#x"}}, "Redirect URI cannot contain a fragment."},
		{"unknown scope", url.Values{"client_name": {"x"}, "redirect_uris": {"https://a.example/cb"}, "scopes": {"read all"}}, "Scopes doesn't match configured on the server."},
	} {
		t.Run(c.name, func(t *testing.T) {
			status, v := apptest.PostJSONForm(t, h.base+"/api/v1/apps", c.params)
			if status != http.StatusUnprocessableEntity || !strings.Contains(v["error"].(string), c.want) {
				t.Errorf("HTTP %d %v; want 422 with %q", status, v, c.want)
			}
		})
	}
	body := `{"client_name":"Phanpy","redirect_uris":["https://phanpy.example/","urn:ietf:wg:oauth:2.0:oob"],"website":"https://phanpy.example"}`
	resp, err := http.Post(h.base+"/api/v1/apps", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var app map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&app)
	resp.Body.Close()
	if resp.StatusCode != 200 || app["redirect_uri"] != "https://phanpy.example/\nurn:ietf:wg:oauth:2.0:oob" || app["website"] != "https://phanpy.example" ||
		len(app["scopes"].([]any)) != 1 || app["client_secret_expires_at"] != 0.0 || !regexp.MustCompile(`^\d+$`).MatchString(app["id"].(string)) {
		t.Errorf("registration: HTTP %d %v", resp.StatusCode, app)
	}
	creds := url.Values{"grant_type": {"client_credentials"}, "client_id": {app["client_id"].(string)}, "client_secret": {app["client_secret"].(string)}}
	if status, v := apptest.Token(t, h.base, creds); status != http.StatusOK || v["scope"] != "read" {
		t.Errorf("client credentials: HTTP %d %v", status, v)
	}
	creds.Set("scope", "write")
	status, v := apptest.Token(t, h.base, creds)
	wantOAuthError(t, status, v, 400, "invalid_scope")

	resp, metaBody := apptest.AdminGet(t, h.base+"/.well-known/oauth-authorization-server", "")
	var meta map[string]any
	_ = json.Unmarshal(metaBody, &meta)
	if resp.StatusCode != 200 || meta["issuer"] != h.base+"/" || meta["app_registration_endpoint"] != h.base+"/api/v1/apps" ||
		meta["code_challenge_methods_supported"].([]any)[0] != "S256" {
		t.Errorf("metadata: HTTP %d %v", resp.StatusCode, meta)
	}
}
