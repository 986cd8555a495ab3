package apptest

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"herald/oauth"
	"herald/store"
)

// AddWebcareUser issues a user for handle in h's store, as `herald
// webcare add-user` does, and returns the password.
func AddWebcareUser(t testing.TB, h *Herald, name, handle string) string {
	t.Helper()
	password := oauth.NewPassword()
	hash, err := oauth.HashPassword(password)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Store().AddWebcareUser(store.WebcareUser{Name: name, Handle: handle, PasswordHash: hash, Created: time.Now().UTC()}); err != nil {
		t.Fatal(err)
	}
	return password
}

// App is a client application registered with POST /api/v1/apps.
type App struct {
	ClientID, ClientSecret, RedirectURI string
}

// RegisterApp registers an app with one redirect URI and scopes.
func RegisterApp(t testing.TB, base, redirectURI, scopes string) App {
	t.Helper()
	resp, err := http.PostForm(base+"/api/v1/apps", url.Values{"client_name": {"Test app"}, "redirect_uris": {redirectURI}, "scopes": {scopes}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var app struct{ ClientID, ClientSecret string }
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("register app: HTTP %d %s", resp.StatusCode, body)
	}
	var raw map[string]any
	if err := json.Unmarshal(body, &raw); err != nil {
		t.Fatal(err)
	}
	app.ClientID, _ = raw["client_id"].(string)
	app.ClientSecret, _ = raw["client_secret"].(string)
	return App{ClientID: app.ClientID, ClientSecret: app.ClientSecret, RedirectURI: redirectURI}
}

// PKCE returns a code verifier and its S256 challenge (RFC 7636).
func PKCE() (verifier, challenge string) {
	verifier = oauth.NewPassword() + oauth.NewPassword()
	sum := sha256.Sum256([]byte(verifier))
	return verifier, base64.RawURLEncoding.EncodeToString(sum[:])
}

// Browser is a client that keeps cookies and does not follow redirects:
// the sign-in's redirect to the app is what a test reads.
func Browser(t testing.TB) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// SignInForm opens the sign-in page for app with query (the authorization
// request's parameters) in browser, and returns the form's fields (the
// hidden ones filled) and the page's status.
func SignInForm(t testing.TB, browser *http.Client, base string, query url.Values) (url.Values, int) {
	t.Helper()
	resp, err := browser.Get(base + "/oauth/authorize?" + query.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if loc := resp.Header.Get("Location"); loc != "" {
		t.Logf("sign-in page redirects to %s", loc)
	}
	doc, err := html.Parse(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return FormFields(doc), resp.StatusCode
}

// FormFields returns the named inputs of a page's forms with their values.
func FormFields(doc *html.Node) url.Values {
	fields := url.Values{}
	for n := range doc.Descendants() {
		if n.Type != html.ElementNode || n.Data != "input" {
			continue
		}
		var name, value string
		for _, a := range n.Attr {
			switch a.Key {
			case "name":
				name = a.Val
			case "value":
				value = a.Val
			}
		}
		if name != "" {
			fields.Set(name, value)
		}
	}
	return fields
}

// Authorize signs in through the sign-in form as user with password and
// returns the code the redirect carries. It fails the test when there is
// no redirect with a code.
func Authorize(t testing.TB, base string, app App, scopes, user, password, challenge string) string {
	t.Helper()
	browser := Browser(t)
	q := url.Values{"response_type": {"code"}, "client_id": {app.ClientID}, "redirect_uri": {app.RedirectURI}, "scope": {scopes}, "state": {"xyz"}}
	if challenge != "" {
		q.Set("code_challenge", challenge)
		q.Set("code_challenge_method", "S256")
	}
	form, status := SignInForm(t, browser, base, q)
	if status != http.StatusOK {
		t.Fatalf("sign-in page: HTTP %d (%v)", status, form)
	}
	form.Set("username", user)
	form.Set("password", password)
	form.Set("decision", "approve")
	resp, err := browser.PostForm(base+"/oauth/authorize", form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusFound || err != nil || loc.Query().Get("code") == "" || loc.Query().Get("state") != "xyz" {
		t.Fatalf("sign-in: HTTP %d, Location %q; want a redirect with a code and the state", resp.StatusCode, resp.Header.Get("Location"))
	}
	return loc.Query().Get("code")
}

// Token asks the token endpoint with params (a form, as most apps send
// them) and returns the answer's status and JSON.
func Token(t testing.TB, base string, params url.Values) (int, map[string]any) {
	t.Helper()
	return PostJSONForm(t, base+"/oauth/token", params)
}

// SignInToken runs the whole OAuth flow for app as user and returns the
// access token.
func SignInToken(t testing.TB, base string, app App, scopes, user, password string) string {
	t.Helper()
	verifier, challenge := PKCE()
	code := Authorize(t, base, app, scopes, user, password, challenge)
	status, v := Token(t, base, url.Values{"grant_type": {"authorization_code"}, "code": {code}, "client_id": {app.ClientID},
		"client_secret": {app.ClientSecret}, "redirect_uri": {app.RedirectURI}, "code_verifier": {verifier}})
	tok, _ := v["access_token"].(string)
	if status != http.StatusOK || tok == "" || !strings.EqualFold(v["token_type"].(string), "bearer") {
		t.Fatalf("token: HTTP %d %v", status, v)
	}
	return tok
}

// PostJSONForm POSTs params as a form and returns the status and the
// JSON answer.
func PostJSONForm(t testing.TB, url string, params url.Values) (int, map[string]any) {
	t.Helper()
	resp, err := http.PostForm(url, params)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var v map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
		t.Fatalf("POST %s: answer is not JSON: %v", url, err)
	}
	return resp.StatusCode, v
}
