package oauth_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"herald/app"
	"herald/apptest"
	"herald/config"
)

// clock is real time plus an offset the test moves forward.
type clock struct{ offset atomic.Int64 }

func (c *clock) Now() time.Time          { return time.Now().Add(time.Duration(c.offset.Load())) }
func (c *clock) Advance(d time.Duration) { c.offset.Add(int64(d)) }

// webcareHerald is a Herald serving news and weather, with an operator
// token, a publisher token for weather, and the user alice for news.
type webcareHerald struct {
	*apptest.Herald
	base, password string
	clock          *clock
}

func startWebcare(t *testing.T) *webcareHerald {
	t.Helper()
	feed := apptest.NewFeedServer(t, apptest.Fixture(t, "1-published.feed.rss.xml"))
	cfg := apptest.Config(t, config.Feed{Handle: "news", URL: feed.URL}, config.Feed{Handle: "weather", URL: feed.URL + "/weather"})
	cfg.AdminTokens = []config.AdminToken{
		{Token: apptest.OperatorToken, Role: config.RoleOperator, Name: "ops"},
		{Token: apptest.PublisherToken, Role: config.RolePublisher, Actors: []string{"weather"}, Name: "weather desk"},
	}
	c := &clock{}
	h := apptest.Start(t, cfg, func(o *app.Options) { o.Now = c.Now })
	return &webcareHerald{Herald: h, base: cfg.BaseURL, password: apptest.AddWebcareUser(t, h, "alice", "news"), clock: c}
}

// authQuery is an authorization request of app.
func authQuery(app apptest.App, scope, challenge string) url.Values {
	q := url.Values{"response_type": {"code"}, "client_id": {app.ClientID}, "redirect_uri": {app.RedirectURI}, "scope": {scope}, "state": {"s1"}}
	if challenge != "" {
		q.Set("code_challenge", challenge)
		q.Set("code_challenge_method", "S256")
	}
	return q
}

// postForm submits form to the sign-in as browser, from client address ip.
func postForm(t *testing.T, browser *http.Client, base, ip string, form url.Values) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, base+"/oauth/authorize", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-For", ip)
	resp, err := browser.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

// codeParams are the token request for code.
func codeParams(app apptest.App, code, verifier string) url.Values {
	return url.Values{"grant_type": {"authorization_code"}, "code": {code}, "client_id": {app.ClientID},
		"client_secret": {app.ClientSecret}, "redirect_uri": {app.RedirectURI}, "code_verifier": {verifier}}
}

// wantOAuthError checks a token endpoint answer against Doorkeeper's.
func wantOAuthError(t *testing.T, status int, v map[string]any, wantStatus int, wantError string) {
	t.Helper()
	if status != wantStatus || v["error"] != wantError || v["error_description"] == "" {
		t.Errorf("HTTP %d %v; want %d with error %q and a description", status, v, wantStatus, wantError)
	}
}

// TestSignIn signs in through the form with PKCE (the app's redirect
// gets the code and the state), exchanges the code with a JSON body, and
// uses the token; the sign-in is in the audit log, the token is stored as
// a hash only.
func TestSignIn(t *testing.T) {
	h := startWebcare(t)
	app := apptest.RegisterApp(t, h.base, "https://app.example/callback", "read write follow push")
	verifier, challenge := apptest.PKCE()
	code := apptest.Authorize(t, h.base, app, "read write", "alice", h.password, challenge)
	body, _ := json.Marshal(codeParams(app, code, verifier))
	var params map[string]any
	_ = json.Unmarshal(body, &params)
	for k, v := range params {
		params[k] = v.([]any)[0]
	}
	body, _ = json.Marshal(params)
	resp, err := http.Post(h.base+"/oauth/token", "application/json", strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
		Scope       string `json:"scope"`
		CreatedAt   int64  `json:"created_at"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&tok)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || tok.TokenType != "Bearer" || tok.Scope != "read write" || len(tok.AccessToken) != 43 || tok.CreatedAt == 0 {
		t.Fatalf("token: HTTP %d %+v", resp.StatusCode, tok)
	}
	if resp.Header.Get("Access-Control-Allow-Origin") != "*" || resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("token answer headers: %v", resp.Header)
	}
	r, got := apptest.AdminGet(t, h.base+"/api/v1/apps/verify_credentials", tok.AccessToken)
	if r.StatusCode != http.StatusOK || !strings.Contains(string(got), `"name":"Test app"`) || strings.Contains(string(got), "client_secret") {
		t.Errorf("apps/verify_credentials: HTTP %d %s", r.StatusCode, got)
	}
	entries, err := h.Store().Audit(time.Time{}, 10)
	if err != nil || len(entries) != 1 || entries[0].Who.Name != "alice" || entries[0].Account != "news" || entries[0].App != "Test app" {
		t.Errorf("audit = %+v, %v; want alice's sign-in to news from Test app", entries, err)
	}
	if _, err := h.Store().OAuthToken([]byte(tok.AccessToken)); err == nil {
		t.Error("the token is stored as itself")
	}
	r, got = apptest.AdminGet(t, h.base+"/admin/api/audit", apptest.OperatorToken)
	if r.StatusCode != http.StatusOK || !strings.Contains(string(got), `"who": "alice"`) || !strings.Contains(string(got), `"who_kind": "user"`) {
		t.Errorf("GET /admin/api/audit: HTTP %d %s", r.StatusCode, got)
	}
	if r, _ := apptest.AdminGet(t, h.base+"/admin/api/audit", apptest.PublisherToken); r.StatusCode != http.StatusForbidden {
		t.Errorf("audit log for a publisher: HTTP %d, want 403", r.StatusCode)
	}
}

// TestCodeRefusals: a wrong verifier, a missing one, a wrong redirect URI,
// another client's credentials and an expired code get invalid_grant (or
// invalid_request, invalid_client) and change nothing: the code still
// works once, and then no more.
func TestCodeRefusals(t *testing.T) {
	h := startWebcare(t)
	app := apptest.RegisterApp(t, h.base, "https://app.example/callback", "read")
	other := apptest.RegisterApp(t, h.base, "https://app.example/callback", "read")
	verifier, challenge := apptest.PKCE()
	code := apptest.Authorize(t, h.base, app, "read", "alice", h.password, challenge)
	for _, c := range []struct {
		name       string
		change     func(url.Values)
		status     int
		error      string
		authHeader bool
	}{
		{"wrong verifier", func(v url.Values) { v.Set("code_verifier", verifier+"x") }, 400, "invalid_grant", false},
		{"no verifier", func(v url.Values) { v.Del("code_verifier") }, 400, "invalid_request", false},
		{"wrong redirect_uri", func(v url.Values) { v.Set("redirect_uri", "https://app.example/other") }, 400, "invalid_grant", false},
		{"another client", func(v url.Values) { v.Set("client_id", other.ClientID); v.Set("client_secret", other.ClientSecret) }, 400, "invalid_grant", false},
		{"wrong secret", func(v url.Values) { v.Set("client_secret", "nope") }, 401, "invalid_client", false},
		{"unknown code", func(v url.Values) { v.Set("code", "nope") }, 400, "invalid_grant", false},
		{"no grant type", func(v url.Values) { v.Del("grant_type") }, 400, "invalid_request", false},
		{"password grant", func(v url.Values) { v.Set("grant_type", "password") }, 400, "unsupported_grant_type", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			params := codeParams(app, code, verifier)
			c.change(params)
			status, v := apptest.Token(t, h.base, params)
			wantOAuthError(t, status, v, c.status, c.error)
		})
	}
	// Basic authentication works as well as the parameters.
	req, _ := http.NewRequest(http.MethodPost, h.base+"/oauth/token", strings.NewReader(url.Values{"grant_type": {"authorization_code"},
		"code": {code}, "redirect_uri": {app.RedirectURI}, "code_verifier": {verifier}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(app.ClientID, app.ClientSecret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("exchange after the refusals: %v %v", resp.StatusCode, err)
	}
	resp.Body.Close()
	status, v := apptest.Token(t, h.base, codeParams(app, code, verifier))
	wantOAuthError(t, status, v, 400, "invalid_grant") // used up

	code = apptest.Authorize(t, h.base, app, "read", "alice", h.password, challenge)
	h.clock.Advance(11 * time.Minute)
	status, v = apptest.Token(t, h.base, codeParams(app, code, verifier))
	wantOAuthError(t, status, v, 400, "invalid_grant") // expired
}
