package server_test

import (
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
// input naming no server gets a 400 page.
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
	wantAll(t, "profile page", body, `<form class="follow" method="get" action="`+follow+`">`, `name="server"`)

	resp, _ := get(t, follow+"?server="+url.QueryEscape("@alice@"+host), browserAccept)
	if want := "https://" + host + "/authorize-follow?acct=" + acct; resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != want {
		t.Errorf("follow as alice: HTTP %d to %q, want 303 to %q", resp.StatusCode, resp.Header.Get("Location"), want)
	}
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	post, err := noRedirect.PostForm(follow, url.Values{"server": {host}})
	if err != nil {
		t.Fatal(err)
	}
	post.Body.Close()
	if want := "https://" + host + "/authorize_interaction?uri=" + acct; post.StatusCode != http.StatusSeeOther || post.Header.Get("Location") != want {
		t.Errorf("follow from %s: HTTP %d to %q, want 303 to %q", host, post.StatusCode, post.Header.Get("Location"), want)
	}

	for _, junk := range []string{"", "mastodon", "https://evil.example/phish", "<script>x</script>"} {
		resp, body := get(t, follow+"?server="+url.QueryEscape(junk), browserAccept)
		if resp.StatusCode != http.StatusBadRequest || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") ||
			!strings.Contains(body, "neither") || strings.Contains(body, "<script>x") {
			t.Errorf("follow from %q: HTTP %d %s, want a 400 page:\n%s", junk, resp.StatusCode, resp.Header.Get("Content-Type"), body)
		}
	}
	if resp, _ := get(t, h.Config().BaseURL+"/users/nobody/follow?server="+host, browserAccept); resp.StatusCode != http.StatusNotFound {
		t.Errorf("follow an unknown account: HTTP %d, want 404", resp.StatusCode)
	}
}
