package actor

import (
	"crypto/rsa"
	"encoding/json"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// These tests assert the facts of DESIGN.md's contract and interop notes
// in code, so that a golden file regenerated with -update cannot silently
// drop one.

// fields decodes a JSON object.
func fields(t *testing.T, doc []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(doc, &m); err != nil {
		t.Fatalf("not a JSON object: %v\n%s", err, doc)
	}
	return m
}

// field follows a path of keys through nested objects.
func field(m map[string]any, path ...string) any {
	var v any = m
	for _, k := range path {
		obj, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = obj[k]
	}
	return v
}

func wantField(t *testing.T, doc map[string]any, want any, path ...string) {
	t.Helper()
	if got := field(doc, path...); !reflect.DeepEqual(got, want) {
		t.Errorf("%s = %#v, want %#v", strings.Join(path, "."), got, want)
	}
}

func wantAbsent(t *testing.T, doc map[string]any, keys ...string) {
	t.Helper()
	for _, k := range keys {
		if v, ok := doc[k]; ok {
			t.Errorf("%s present (%#v), must be absent", k, v)
		}
	}
}

func hasActivityStreamsContext(ctx any) bool {
	if s, ok := ctx.(string); ok {
		return s == ActivityStreams
	}
	list, _ := ctx.([]any)
	return slices.Contains(list, any(ActivityStreams))
}

func TestActorDocumentContract(t *testing.T) {
	u := URLs{Base: testBase}
	a := fields(t, documents(t)["actor"])
	id := u.Actor(testHandle)
	if !hasActivityStreamsContext(a["@context"]) {
		t.Errorf("@context %v lacks %s", a["@context"], ActivityStreams)
	}
	for _, c := range []struct {
		want any
		path []string
	}{
		{id, []string{"id"}},
		{"Service", []string{"type"}},
		{id + "/inbox", []string{"inbox"}},
		{id + "/outbox", []string{"outbox"}},
		{id + "/followers", []string{"followers"}},
		{id + "/following", []string{"following"}},
		{id + "/featured", []string{"featured"}},
		{testBase + "/inbox", []string{"endpoints", "sharedInbox"}},
		{id + "#main-key", []string{"publicKey", "id"}},
		{id, []string{"publicKey", "owner"}},
		{testHandle, []string{"preferredUsername"}},
		{"Example News", []string{"name"}},
		{id, []string{"url"}}, // the site is on another host: see TestProfileURL
		{true, []string{"discoverable"}},
		{true, []string{"indexable"}},
		{false, []string{"manuallyApprovesFollowers"}},
		{"2024-01-15T08:00:00Z", []string{"published"}},
		{"<p>Articles from example.org &amp; friends, as they appear.</p>", []string{"summary"}},
	} {
		wantField(t, a, c.want, c.path...)
	}
	pem, _ := field(a, "publicKey", "publicKeyPem").(string)
	pub, err := ParsePublicKeyPEM(pem)
	if err != nil {
		t.Fatalf("publicKeyPem: %v", err)
	}
	if rsaPub, ok := pub.(*rsa.PublicKey); !ok || rsaPub.N.BitLen() != KeyBits {
		t.Errorf("publicKeyPem is %T, want an RSA-%d key", pub, KeyBits)
	}
}

func TestInstanceActorContract(t *testing.T) {
	u := URLs{Base: testBase}
	a := fields(t, documents(t)["instance_actor"])
	wantField(t, a, u.InstanceActor(), "id")
	wantField(t, a, "Application", "type")
	wantField(t, a, u.SharedInbox(), "inbox")
	wantField(t, a, u.InstanceKeyID(), "publicKey", "id")
	wantField(t, a, u.InstanceActor(), "publicKey", "owner")
	wantField(t, a, testHost, "preferredUsername")
	if !hasActivityStreamsContext(a["@context"]) {
		t.Errorf("@context %v lacks %s", a["@context"], ActivityStreams)
	}
	if pem, _ := field(a, "publicKey", "publicKeyPem").(string); pem == "" {
		t.Error("publicKey.publicKeyPem is empty")
	}
}

// checkNote asserts what every Note must carry: Mastodon shows name or
// summary as a title or content warning, so neither may be present.
func checkNote(t *testing.T, n map[string]any) {
	t.Helper()
	u := URLs{Base: testBase}
	wantAbsent(t, n, "name", "summary", "nameMap", "summaryMap")
	wantField(t, n, "Note", "type")
	wantField(t, n, u.Object(testHandle, testItem("").Key), "id")
	wantField(t, n, u.Actor(testHandle), "attributedTo")
	wantField(t, n, []any{"https://www.w3.org/ns/activitystreams#Public"}, "to")
	wantField(t, n, []any{u.Followers(testHandle)}, "cc")
	wantField(t, n, testItem("").Link, "url")
	wantField(t, n, "2024-05-01T12:00:00Z", "published")
	wantField(t, n, false, "sensitive")
	content, _ := n["content"].(string)
	if first := strings.Index(content, "<a "); first < 0 || !strings.HasPrefix(content[first:], `<a href="https://example.org/2024/05/hello?ref=feed&amp;lang=en">`) {
		t.Errorf("the article link is not the first link of the content: %s", content)
	}
	if strings.Contains(content, "<script") || strings.Contains(content, "alert") {
		t.Errorf("content keeps the script: %s", content)
	}
}

func TestNoteContract(t *testing.T) {
	docs := documents(t)
	plain := fields(t, docs["note"])
	checkNote(t, plain)
	if !hasActivityStreamsContext(plain["@context"]) {
		t.Errorf("@context %v lacks %s", plain["@context"], ActivityStreams)
	}
	wantAbsent(t, plain, "updated", "contentMap")
	wantField(t, plain, `<p><strong>Hello, &lt;world&gt; &amp; friends</strong></p><p>The first post, with a link.</p>`+
		`<p><a href="https://example.org/2024/05/hello?ref=feed&amp;lang=en"><span class="invisible">https://</span>`+
		`<span class="ellipsis">example.org/2024/05/hello?ref=</span><span class="invisible">feed&amp;lang=en</span></a></p>`, "content")

	lang := fields(t, docs["note_language"])
	checkNote(t, lang)
	wantField(t, lang, map[string]any{"nl": lang["content"]}, "contentMap")

	edited := fields(t, docs["note_edited"])
	checkNote(t, edited)
	updated, err := time.Parse(time.RFC3339, edited["updated"].(string))
	if err != nil || !updated.After(testPublished) || !updated.Equal(testEdited) || updated.Location() != time.UTC {
		t.Errorf("updated = %v (%v), want %v in UTC", edited["updated"], err, testEdited)
	}
}

// TestActivityContract checks Create and Update: the Note embedded whole,
// without its own @context, and the same audience as the Note.
func TestActivityContract(t *testing.T) {
	u := URLs{Base: testBase}
	docs := documents(t)
	for _, c := range []struct{ name, typ, note, id string }{
		{"create", "Create", "note", u.Object(testHandle, testItem("").Key) + "/activity"},
		{"update", "Update", "note_edited", u.Object(testHandle, testItem("").Key) + "/updates/1"},
	} {
		t.Run(c.name, func(t *testing.T) {
			act := fields(t, docs[c.name])
			note := fields(t, docs[c.note])
			delete(note, "@context")
			wantField(t, act, c.typ, "type")
			wantField(t, act, c.id, "id")
			wantField(t, act, u.Actor(testHandle), "actor")
			wantField(t, act, note, "object")
			wantField(t, act, note["to"], "to")
			wantField(t, act, note["cc"], "cc")
			if !hasActivityStreamsContext(act["@context"]) {
				t.Errorf("@context %v lacks %s", act["@context"], ActivityStreams)
			}
		})
	}
}

func TestAcceptContract(t *testing.T) {
	u := URLs{Base: testBase}
	a := fields(t, documents(t)["accept"])
	wantField(t, a, ActivityStreams, "@context")
	wantField(t, a, "Accept", "type")
	wantField(t, a, u.Accept(testHandle, testFollow), "id")
	wantField(t, a, u.Actor(testHandle), "actor")
	wantField(t, a, []any{testAlice}, "to")
	wantField(t, a, map[string]any{
		"id": testFollow, "type": "Follow", "actor": testAlice, "object": u.Actor(testHandle),
	}, "object")
}

func TestWebFingerContract(t *testing.T) {
	u := URLs{Base: testBase}
	var doc jrd
	if err := json.Unmarshal(documents(t)["webfinger"], &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Subject != "acct:news@news.example.org" {
		t.Errorf("subject = %q", doc.Subject)
	}
	var self []jrdLink
	for _, l := range doc.Links {
		if l.Rel == "self" {
			self = append(self, l)
		}
	}
	if len(self) != 1 || self[0].Type != ContentType || self[0].Href != u.Actor(testHandle) {
		t.Errorf("self links = %+v, want one of type %s to %s", self, ContentType, u.Actor(testHandle))
	}
}

func TestNodeInfoContract(t *testing.T) {
	docs := documents(t)
	for _, v := range []string{"2.0", "2.1"} {
		n := fields(t, docs["nodeinfo_"+v])
		wantField(t, n, v, "version")
		name, _ := field(n, "software", "name").(string)
		if !regexp.MustCompile(`^[a-z0-9-]+$`).MatchString(name) {
			t.Errorf("%s: software.name %q does not match ^[a-z0-9-]+$", v, name)
		}
		wantField(t, n, "1.2.3", "software", "version")
		wantField(t, n, []any{"activitypub"}, "protocols")
		wantField(t, n, float64(2), "usage", "users", "total")
		wantField(t, n, float64(41), "usage", "localPosts")
		wantField(t, n, false, "openRegistrations")
		for _, k := range []string{"services", "metadata"} {
			if _, ok := n[k].(map[string]any); !ok {
				t.Errorf("%s: %s missing", v, k)
			}
		}
	}
	wantField(t, fields(t, docs["nodeinfo_2.1"]), testBase+"/about/privacy", "metadata", "privacyPolicyUrl")
	wantField(t, fields(t, docs["nodeinfo_2.1"]), testBase+"/about/minimum-age", "metadata", "minimumAgePolicyUrl")
	wantField(t, fields(t, docs["nodeinfo_2.1"]), "privacy@example.org", "metadata", "maintainer", "email")
	wantField(t, fields(t, docs["nodeinfo_anonymous"]), "https://example.org/contact", "metadata", "inquiryUrl")
	if _, err := (URLs{Base: testBase}).NodeInfo("3.0", "1", Usage{}, Operator{}); err == nil {
		t.Error("NodeInfo 3.0 rendered, want an error")
	}
	index := fields(t, docs["nodeinfo_index"])
	wantField(t, index, []any{
		map[string]any{"rel": nodeInfo20Schema, "href": testBase + "/nodeinfo/2.0"},
		map[string]any{"rel": nodeInfo21Schema, "href": testBase + "/nodeinfo/2.1"},
	}, "links")
	if got := NodeInfoContentType("2.1"); got != `application/json; profile="http://nodeinfo.diaspora.software/ns/schema/2.1#"` {
		t.Errorf("NodeInfoContentType = %s", got)
	}
}

func TestCollectionContract(t *testing.T) {
	u := URLs{Base: testBase}
	docs := documents(t)
	outbox := fields(t, docs["outbox"])
	wantField(t, outbox, "OrderedCollection", "type")
	wantField(t, outbox, u.Outbox(testHandle), "id")
	wantField(t, outbox, float64(41), "totalItems")
	wantField(t, outbox, u.Outbox(testHandle)+"?page=true", "first")

	followers := fields(t, docs["followers"])
	wantField(t, followers, float64(3), "totalItems")
	wantAbsent(t, followers, "first", "orderedItems")

	page := fields(t, docs["outbox_page"])
	wantField(t, page, "OrderedCollectionPage", "type")
	wantField(t, page, u.Outbox(testHandle), "partOf")
	wantField(t, page, u.Outbox(testHandle)+"?page=true&before=1714564800000000000", "next")
	create := fields(t, docs["create"])
	delete(create, "@context")
	wantField(t, page, []any{create}, "orderedItems")

	empty := fields(t, docs["featured_empty"])
	wantField(t, empty, "OrderedCollection", "type")
	wantField(t, empty, u.Featured(testHandle), "id")
	wantField(t, empty, float64(0), "totalItems")
	wantField(t, empty, []any{}, "orderedItems")

	zero, err := Collection(u.Followers(testHandle), 0, "")
	if err != nil {
		t.Fatal(err)
	}
	wantField(t, fields(t, zero), float64(0), "totalItems")
	last, err := CollectionPage("p", "c", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	wantAbsent(t, fields(t, last), "next", "totalItems")
	wantField(t, fields(t, last), []any{}, "orderedItems")
}

// TestProfileURL: the actor's url is the website only when it is on the
// actor's host; Misskey refuses an actor whose url is on another host.
func TestProfileURL(t *testing.T) {
	id := "https://news.example.org/users/news"
	for _, c := range []struct{ name, site, want string }{
		{"site elsewhere", "https://example.org/", id},
		{"site on the same host", "https://news.example.org/", "https://news.example.org/"},
		{"same host, other case", "https://News.Example.org/nieuws", "https://News.Example.org/nieuws"},
		{"same name, other port", "https://news.example.org:8443/", id},
		{"no site", "", id},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := profileURL(id, c.site); got != c.want {
				t.Errorf("profileURL(%q) = %q, want %q", c.site, got, c.want)
			}
		})
	}
}
