package remotefollow

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	for _, c := range []struct {
		name, in string
		want     Visitor
		bad      bool
	}{
		{name: "handle", in: "alice@example.social", want: Visitor{User: "alice", Server: "example.social"}},
		{name: "handle with @ and spaces", in: "  @Alice@Example.Social ", want: Visitor{User: "Alice", Server: "example.social"}},
		{name: "server", in: "example.social", want: Visitor{Server: "example.social"}},
		{name: "server with port", in: "example.social:8443", want: Visitor{Server: "example.social:8443"}},
		{name: "server URL", in: "https://example.social/", want: Visitor{Server: "example.social"}},
		{name: "empty", in: "", bad: true},
		{name: "word", in: "mastodon", bad: true},
		{name: "path", in: "example.social/evil", bad: true},
		{name: "URL with path", in: "https://evil.example/x?y", bad: true},
		{name: "http URL", in: "http://example.social", bad: true},
		{name: "userinfo trick", in: "example.social@evil.example/", bad: true},
		{name: "query", in: "alice@example.social?x=1", bad: true},
		{name: "backslash", in: `evil.example\@example.social`, bad: true},
		{name: "script", in: "<script>alert(1)</script>", bad: true},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := Parse(c.in)
			if c.bad {
				if !errors.Is(err, ErrBadInput) {
					t.Errorf("Parse(%q) = %+v, %v; want ErrBadInput", c.in, got, err)
				}
				return
			}
			if err != nil || got != c.want {
				t.Errorf("Parse(%q) = %+v, %v; want %+v", c.in, got, err, c.want)
			}
		})
	}
}

// fakeServer serves a WebFinger document whose subscribe link has tmpl.
func fakeServer(t *testing.T, tmpl string) (*httptest.Server, string) {
	t.Helper()
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/.well-known/webfinger" || r.URL.Query().Get("resource") != "acct:alice@"+r.Host {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/jrd+json")
		_, _ = w.Write([]byte(`{"subject":"acct:alice@` + r.Host + `","links":[{"rel":"self","href":"https://` + r.Host +
			`/users/alice"},{"rel":"` + SubscribeRel + `","template":"` + strings.ReplaceAll(tmpl, "HOST", r.Host) + `"}]}`))
	}))
	t.Cleanup(srv.Close)
	return srv, strings.TrimPrefix(srv.URL, "https://")
}

func TestTarget(t *testing.T) {
	const acct = "acct:news@example.org"
	for _, c := range []struct{ name, tmpl, user, want string }{
		{name: "template", tmpl: "https://HOST/authorize-follow?acct={uri}", user: "alice",
			want: "https://HOST/authorize-follow?acct=acct%3Anews%40example.org"},
		{name: "no user", tmpl: "https://HOST/authorize-follow?acct={uri}",
			want: "https://HOST/authorize_interaction?uri=acct%3Anews%40example.org"},
		{name: "unknown user", tmpl: "https://HOST/authorize-follow?acct={uri}", user: "bob",
			want: "https://HOST/authorize_interaction?uri=acct%3Anews%40example.org"},
		{name: "template elsewhere", tmpl: "https://evil.example/?u={uri}", user: "alice",
			want: "https://HOST/authorize_interaction?uri=acct%3Anews%40example.org"},
		{name: "template over http", tmpl: "http://HOST/?u={uri}", user: "alice",
			want: "https://HOST/authorize_interaction?uri=acct%3Anews%40example.org"},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv, host := fakeServer(t, c.tmpl)
			got := Target(context.Background(), srv.Client(), Visitor{User: c.user, Server: host}, acct)
			if want := strings.ReplaceAll(c.want, "HOST", host); got != want {
				t.Errorf("Target = %q, want %q", got, want)
			}
		})
	}
}
