package actor

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
)

func TestURLsStable(t *testing.T) {
	u := URLs{Base: testBase}
	again := URLs{Base: testBase}
	key := "https://example.org/2024/05/hello"
	if u.Object("news", key) != again.Object("news", key) {
		t.Error("Object id differs for the same key")
	}
	if u.Accept("news", testFollow) != again.Accept("news", testFollow) {
		t.Error("Accept id differs for the same Follow")
	}
	ids := map[string]string{}
	for name, id := range map[string]string{
		"object":              u.Object("news", key),
		"object, other key":   u.Object("news", key+"/"),
		"object, other actor": u.Object("tech", key),
		"create":              u.Create(u.Object("news", key)),
		"update 1":            u.Update(u.Object("news", key), 1),
		"update 2":            u.Update(u.Object("news", key), 2),
		"accept":              u.Accept("news", testFollow),
		"accept, other":       u.Accept("news", testFollow+"x"),
		"actor":               u.Actor("news"),
		"key":                 u.KeyID("news"),
		"inbox":               u.Inbox("news"),
		"outbox":              u.Outbox("news"),
		"followers":           u.Followers("news"),
		"following":           u.Following("news"),
		"featured":            u.Featured("news"),
		"shared inbox":        u.SharedInbox(),
		"instance":            u.InstanceActor(),
		"instance key":        u.InstanceKeyID(),
	} {
		if other, dup := ids[id]; dup {
			t.Errorf("%s and %s share the id %s", name, other, id)
		}
		ids[id] = name
		if !strings.HasPrefix(id, testBase+"/") {
			t.Errorf("%s id %s is not under the base", name, id)
		}
	}
	if got := u.Object("news", key); got != testBase+"/users/news/posts/ebf343e3ac92dbac7a164c946db36d4f" {
		t.Errorf("Object id changed to %s: published ids must never change", got)
	}
}

func TestParseResource(t *testing.T) {
	u := URLs{Base: testBase}
	for _, c := range []struct {
		resource, handle string
		ok               bool
	}{
		{"acct:news@news.example.org", "news", true},
		{"acct:NEWS@NEWS.EXAMPLE.ORG", "news", true},
		{"news@news.example.org", "news", true},
		{"@news@news.example.org", "news", true},
		{"acct:@news@news.example.org", "news", true},
		{testBase + "/users/news", "news", true},
		{testBase + "/users/News", "news", true},
		{"acct:news@other.example", "", false},
		{"acct:news@news.example.org.evil.example", "", false},
		{"acct:news@news.example.org@evil.example", "", false},
		{"acct:news", "", false},
		{"news", "", false},
		{"acct:@news.example.org", "", false},
		{"@news.example.org", "", false},
		{"", "", false},
		{testBase + "/users/", "", false},
		{testBase + "/users/news/outbox", "", false},
		{"https://other.example/users/news", "", false},
		{"mailto:news@news.example.org", "", false},
	} {
		handle, ok := u.ParseResource(c.resource, testHost)
		if handle != c.handle || ok != c.ok {
			t.Errorf("ParseResource(%q) = %q, %v; want %q, %v", c.resource, handle, ok, c.handle, c.ok)
		}
	}
}

func TestIRI(t *testing.T) {
	for in, want := range map[string]string{
		"https://example.org/a?b=1&c=2#d": "https://example.org/a?b=1&c=2#d",
		"https://example.org/café":        "https://example.org/café",
		`https://example.org/"x"`:         "https://example.org/%22x%22",
		`https://example.org/a\b <c>`:     "https://example.org/a%5Cb%20%3Cc%3E",
		"https://example.org/\n\x00\x7f":  "https://example.org/%0A%00%7F",
	} {
		if got := string(iri(in)); got != want {
			t.Errorf("iri(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestNoInjection renders documents from hostile ids (a remote Follow's id
// and actor, a feed's links): go-ap writes IRIs unescaped, so each must come
// out as one JSON string and add no property.
func TestNoInjection(t *testing.T) {
	r := NewRenderer(testBase)
	evil := `https://evil.example/f"},"type":"Note","content":"forged","zz":{"a":"`
	_, doc, err := r.Accept(testHandle, evil, evil)
	if err != nil {
		t.Fatal(err)
	}
	a := fields(t, doc)
	wantField(t, a, "Accept", "type")
	wantAbsent(t, a, "content", "zz")
	if id, _ := field(a, "object", "id").(string); !strings.HasPrefix(id, "https://evil.example/f%22},%22type%22") {
		t.Errorf("embedded Follow id = %q", id)
	}

	p := testProfile(t)
	p.SiteURL, p.IconURL = evil, evil
	doc, err = r.ActorDocument(p)
	if err != nil {
		t.Fatal(err)
	}
	a = fields(t, doc)
	wantField(t, a, "Service", "type")
	wantAbsent(t, a, "content", "zz")

	doc, err = r.Note(testHandle, Item{Key: "k", Title: "t", Link: evil}, testPublished, testEdited)
	if err != nil {
		t.Fatal(err)
	}
	a = fields(t, doc)
	wantField(t, a, "Note", "type")
	wantAbsent(t, a, "zz")

	doc, err = CollectionPage(evil, evil, evil, nil)
	if err != nil {
		t.Fatal(err)
	}
	a = fields(t, doc)
	wantField(t, a, "OrderedCollectionPage", "type")
	wantAbsent(t, a, "content", "zz")
}

// TestIsInstanceResource checks that the instance actor answers for the
// subject InstanceWebFinger advertises, a host with a port included, and
// that the user name of that subject holds no colon (GoToSocial's pattern
// for user names, letters, digits, '.', '-' and '_', refuses it).
func TestIsInstanceResource(t *testing.T) {
	for _, c := range []struct {
		base, host, resource string
		want, advertised     bool
	}{
		{testBase, testHost, "acct:" + testHost + "@" + testHost, true, true},
		{testBase, testHost, testBase + "/actor", true, false},
		{"http://127.0.0.1:8080", "127.0.0.1:8080", "acct:127.0.0.1@127.0.0.1:8080", true, true},
		{"http://127.0.0.1:8080", "127.0.0.1:8080", "127.0.0.1@127.0.0.1:8080", true, false},
		{"http://127.0.0.1:8080", "127.0.0.1:8080", "acct:127.0.0.1:8080@127.0.0.1:8080", true, false},
		{"http://Herald.Local:8080", "herald.local:8080", "acct:HERALD.local@herald.LOCAL:8080", true, false},
		{"http://[::1]:8080", "[::1]:8080", "acct:--1@[::1]:8080", true, true},
		{"http://127.0.0.1:8080", "127.0.0.1:8080", "acct:127.0.0.1@127.0.0.1", false, false},
		{"http://127.0.0.1:8080", "127.0.0.1:8080", "acct:127.0.0.1@127.0.0.1:9090", false, false},
		{"http://127.0.0.1:8080", "127.0.0.1:8080", "acct:news@127.0.0.1:8080", false, false},
		{testBase, testHost, testBase + "/actor/outbox", false, false},
		{testBase, testHost, "", false, false},
	} {
		u := URLs{Base: c.base}
		if got := u.IsInstanceResource(c.resource, c.host); got != c.want {
			t.Errorf("IsInstanceResource(%q, %q) = %v, want %v", c.resource, c.host, got, c.want)
		}
		doc, err := u.InstanceWebFinger(c.host)
		if err != nil {
			t.Fatal(err)
		}
		var jrd struct{ Subject string }
		if err := json.Unmarshal(doc, &jrd); err != nil {
			t.Fatal(err)
		}
		if c.advertised && jrd.Subject != c.resource {
			t.Errorf("InstanceWebFinger(%q) advertises %q, want %q", c.host, jrd.Subject, c.resource)
		}
		user, domain, _ := strings.Cut(strings.TrimPrefix(jrd.Subject, "acct:"), "@")
		if !gtsUsername.MatchString(user) || domain != c.host {
			t.Errorf("InstanceWebFinger(%q) advertises %q: user %q is not a user name GoToSocial reads, or domain %q is not the host", c.host, jrd.Subject, user, domain)
		}
		if user != InstanceUsername(c.host) {
			t.Errorf("subject user %q, preferredUsername %q", user, InstanceUsername(c.host))
		}
	}
}

// gtsUsername is GoToSocial's pattern for a user name in a mention or a
// WebFinger subject.
var gtsUsername = regexp.MustCompile(`^(?:\p{L}\p{M}*|\p{N}|\.|-|_)+$`)
