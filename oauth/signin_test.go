package oauth_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"herald/apptest"
)

// TestSignInFormRefusals: a wrong password, an unknown user, a form
// without its anti-forgery token, and attempts over the limits (per
// client address, then per user) are refused on the page and issue no
// code; Deny goes back to the app with access_denied.
func TestSignInFormRefusals(t *testing.T) {
	h := startWebcare(t)
	app := apptest.RegisterApp(t, h.base, "https://app.example/callback", "read")
	browser := apptest.Browser(t)
	form, status := apptest.SignInForm(t, browser, h.base, authQuery(app, "read", ""))
	if status != http.StatusOK || form.Get("csrf") == "" || form.Get("client_id") != app.ClientID {
		t.Fatalf("sign-in page: HTTP %d, fields %v", status, form)
	}
	try := func(ip, user, password string, change func(url.Values)) (*http.Response, string) {
		f := url.Values{}
		for k, v := range form {
			f[k] = v
		}
		f.Set("username", user)
		f.Set("password", password)
		if change != nil {
			change(f)
		}
		return postForm(t, browser, h.base, ip, f)
	}
	for _, c := range []struct {
		name, user, password string
		change               func(url.Values)
		status               int
		text                 string
	}{
		{"wrong password", "alice", "wrong", nil, 401, "The user name or password is wrong."},
		{"unknown user", "mallory", h.password, nil, 401, "The user name or password is wrong."},
		{"no anti-forgery token", "alice", h.password, func(f url.Values) { f.Del("csrf") }, 403, "has expired"},
		{"wrong admin token", "", "not-a-token-not-a-token-not-a-token", nil, 401, "The user name or password is wrong."},
	} {
		t.Run(c.name, func(t *testing.T) {
			resp, body := try("192.0.2.1", c.user, c.password, c.change)
			if resp.StatusCode != c.status || !strings.Contains(body, c.text) || resp.Header.Get("Location") != "" {
				t.Errorf("HTTP %d, Location %q; want %d with %q", resp.StatusCode, resp.Header.Get("Location"), c.status, c.text)
			}
		})
	}
	resp, _ := try("192.0.2.2", "", "", func(f url.Values) { f.Set("decision", "deny") })
	if loc, _ := url.Parse(resp.Header.Get("Location")); resp.StatusCode != http.StatusFound || loc.Query().Get("error") != "access_denied" || loc.Query().Get("state") != "s1" {
		t.Errorf("deny: HTTP %d, Location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	for range 5 {
		try("192.0.2.3", "bob", "wrong", nil)
	}
	if resp, body := try("192.0.2.3", "alice", h.password, nil); resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" ||
		!strings.Contains(body, "Too many") {
		t.Errorf("sixth attempt from one address: HTTP %d; want 429 with Retry-After", resp.StatusCode)
	}
	for i := range 5 {
		try("198.51.100."+string(rune('1'+i)), "alice", "wrong", nil)
	}
	if resp, _ := try("198.51.100.99", "alice", h.password, nil); resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("sixth attempt for alice from a new address: HTTP %d, want 429", resp.StatusCode)
	}
	if entries, _ := h.Store().Audit(time.Time{}, 10); len(entries) != 0 {
		t.Errorf("refused sign-ins are in the audit log: %+v", entries)
	}
}

// TestAuthorizeErrors: a bad client or redirect URI is shown on the page;
// other errors go back to the app, as Doorkeeper does.
func TestAuthorizeErrors(t *testing.T) {
	h := startWebcare(t)
	app := apptest.RegisterApp(t, h.base, "https://app.example/callback", "read write")
	browser := apptest.Browser(t)
	for _, c := range []struct {
		name     string
		change   func(url.Values)
		status   int
		pageText string // error page
		redirect string // error sent to the app
	}{
		{"unknown client", func(q url.Values) { q.Set("client_id", "nope") }, 401, "invalid_client", ""},
		{"unregistered redirect_uri", func(q url.Values) { q.Set("redirect_uri", "https://evil.example/") }, 400, "invalid_redirect_uri", ""},
		{"scope not registered", func(q url.Values) { q.Set("scope", "read follow") }, 302, "", "invalid_scope"},
		{"unknown scope", func(q url.Values) { q.Set("scope", "read everything") }, 302, "", "invalid_scope"},
		{"response_type token", func(q url.Values) { q.Set("response_type", "token") }, 302, "", "unsupported_response_type"},
		{"plain PKCE", func(q url.Values) { q.Set("code_challenge", "abc"); q.Set("code_challenge_method", "plain") }, 302, "", "invalid_code_challenge_method"},
	} {
		t.Run(c.name, func(t *testing.T) {
			q := authQuery(app, "read", "")
			c.change(q)
			resp, err := browser.Get(h.base + "/oauth/authorize?" + q.Encode())
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if c.redirect == "" {
				if resp.StatusCode != c.status || !strings.Contains(string(body), c.pageText) {
					t.Errorf("HTTP %d; want %d page with %q", resp.StatusCode, c.status, c.pageText)
				}
				return
			}
			loc, _ := url.Parse(resp.Header.Get("Location"))
			if resp.StatusCode != c.status || !strings.HasPrefix(loc.String(), "https://app.example/callback") || loc.Query().Get("error") != c.redirect || loc.Query().Get("state") != "s1" {
				t.Errorf("went to %s; want the callback with error %s", loc, c.redirect)
			}
		})
	}
}
