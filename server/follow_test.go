package server_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"herald/app"
	"herald/remotefollow"
)

// TestFollowForm: the profile page's form sends the visitor to their
// server's authorize-interaction page: the template of their WebFinger
// document's subscribe link, or Mastodon's path for a bare server name;
// input naming no server gets a 400 page, in the account's language.
func TestFollowForm(t *testing.T) {
	their := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("resource") != "acct:alice@"+r.Host {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/jrd+json")
		_, _ = w.Write([]byte(`{"links":[{"rel":"` + remotefollow.SubscribeRel + `","template":"https://` + r.Host + `/authorize-follow?acct={uri}"}]}`))
	}))
	t.Cleanup(their.Close)
	host := strings.TrimPrefix(their.URL, "https://")
	// The test server's certificate is trusted by its own client only.
	h := startNews(t, func(o *app.Options) { o.Client = their.Client() })
	follow := h.Config().BaseURL + "/users/news/follow"
	acct := url.QueryEscape("acct:news@" + h.Config().HandleDomain())

	_, body := get(t, h.Config().BaseURL+"/users/news", browserAccept)
	wantAll(t, "profile page", body, `<form class="follow" method="post" action="`+follow+`">`, `name="server"`)

	// A link cannot make Herald redirect: the form's POST only.
	if resp, _ := get(t, follow+"?server="+url.QueryEscape("@alice@"+host), browserAccept); resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET of the follow form's target: HTTP %d, want 405 (no redirect from a link)", resp.StatusCode)
	}
	for input, want := range map[string]string{
		"@alice@" + host: "https://" + host + "/authorize-follow?acct=" + acct,
		host:             "https://" + host + "/authorize_interaction?uri=" + acct,
	} {
		if status, location := postFollow(t, follow, input); status != http.StatusSeeOther || location != want {
			t.Errorf("follow from %q: HTTP %d to %q, want 303 to %q", input, status, location, want)
		}
	}
	for _, junk := range []string{"", "mastodon", "https://evil.example/phish", "<script>x</script>"} {
		resp, err := http.PostForm(follow, url.Values{"server": {junk}})
		if err != nil {
			t.Fatal(err)
		}
		page, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") ||
			!strings.Contains(string(page), "geen van beide") || strings.Contains(string(page), "<script>x") {
			t.Errorf("follow from %q: HTTP %d %s, want a 400 page:\n%s", junk, resp.StatusCode, resp.Header.Get("Content-Type"), page)
		}
	}
	if status, _ := postFollow(t, h.Config().BaseURL+"/users/nobody/follow", host); status != http.StatusNotFound {
		t.Errorf("follow an unknown account: HTTP %d, want 404", status)
	}
}

// postFollow submits the follow form at follow with input and returns the
// status and the redirect's target.
func postFollow(t *testing.T, follow, input string) (int, string) {
	t.Helper()
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noRedirect.PostForm(follow, url.Values{"server": {input}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Location")
}
