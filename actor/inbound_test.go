package actor

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func readTestdata(t testing.TB, elem ...string) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(append([]string{"testdata"}, elem...)...))
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

const (
	testNewsID = testBase + "/users/news"
	testPostID = testNewsID + "/posts/8254c329a92850f6d539dd376f4816ee"
)

func TestParseActivity(t *testing.T) {
	for _, c := range []struct {
		file string
		want Activity
	}{
		{"mastodon_follow.json", Activity{
			ID: testFollow, Type: "Follow", Actor: testAlice, ObjectID: testNewsID}},
		{"mastodon_undo_follow.json", Activity{
			ID: "https://mastodon.example/users/alice#follows/12345/undo", Type: "Undo", Actor: testAlice, ObjectID: testFollow,
			Object: &Activity{ID: testFollow, Type: "Follow", Actor: testAlice, ObjectID: testNewsID}}},
		{"misskey_follow.json", Activity{
			ID: "https://misskey.example/follows/9kq2m3x1ab/9abcdef012", Type: "Follow",
			Actor: "https://misskey.example/users/9kq2m3x1ab", ObjectID: testNewsID}},
		{"gotosocial_follow_embedded_actor.json", Activity{
			ID: "https://gts.example/users/carol/follow/01HX5Z8Q2J3K4M5N6P7Q8R9S0T", Type: "Follow",
			Actor: "https://gts.example/users/carol", ObjectID: testNewsID}},
		{"type_array_follow.json", Activity{
			ID: "https://pleroma.example/activities/5e3b1f0a-3c1d-4b7a-8a0e-0f4e2c9d1a11", Type: "Follow",
			Actor: "https://pleroma.example/users/dave", ObjectID: testNewsID}},
		{"mastodon_like.json", Activity{
			ID: "https://mastodon.example/users/alice#likes/4242", Type: "Like", Actor: testAlice, ObjectID: testPostID}},
		{"misskey_emoji_react.json", Activity{
			ID: "https://misskey.example/likes/9kq2m9zz01", Type: "EmojiReact",
			Actor: "https://misskey.example/users/9kq2m3x1ab", ObjectID: testPostID}},
		{"mastodon_delete_actor.json", Activity{
			ID: "https://mastodon.example/users/alice#delete", Type: "Delete", Actor: testAlice, ObjectID: testAlice}},
		// The embedded Note has no actor, so it is not an activity: Object stays nil.
		{"mastodon_create_reply.json", Activity{
			ID: "https://mastodon.example/users/alice/statuses/112233/activity", Type: "Create", Actor: testAlice,
			ObjectID: "https://mastodon.example/users/alice/statuses/112233"}},
	} {
		t.Run(c.file, func(t *testing.T) {
			got, err := ParseActivity(readTestdata(t, "inbound", c.file))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("got  %+v (object %+v)\nwant %+v (object %+v)", got, got.Object, c.want, c.want.Object)
			}
		})
	}
}

func TestParseActivityRejects(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "inbound", "bad_*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no bad_*.json payloads: %v", err)
	}
	cases := map[string][]byte{
		"empty body":           nil,
		"quote in id":          []byte(`{"id":"https://evil.example/f\"},\"type\":\"Note","type":"Follow","actor":"https://evil.example/u","object":"` + testNewsID + `"}`),
		"space in actor":       []byte(`{"id":"https://evil.example/f","type":"Follow","actor":"https://evil.example/u x","object":"` + testNewsID + `"}`),
		"actor is a number":    []byte(`{"id":"https://evil.example/f","type":"Follow","actor":42}`),
		"type is empty list":   []byte(`{"id":"https://evil.example/f","type":[],"actor":"https://evil.example/u"}`),
		"embedded actor no id": []byte(`{"type":"Follow","actor":{"type":"Person"}}`),
	}
	for _, f := range files {
		cases[filepath.Base(f)] = readTestdata(t, "inbound", filepath.Base(f))
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := ParseActivity(body)
			if !errors.Is(err, ErrNotActivity) {
				t.Errorf("ParseActivity = %+v, %v; want ErrNotActivity", got, err)
			}
		})
	}
}

// FuzzParseActivity feeds the inbound corpus, mutated, to ParseActivity: it
// must not panic, and what it accepts must have a type and an actor.
func FuzzParseActivity(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "inbound", "*.json"))
	for _, file := range files {
		f.Add(readTestdata(f, "inbound", filepath.Base(file)))
	}
	f.Add([]byte(`{"type":"Undo","actor":"a","object":{"type":"Undo","actor":"a","object":{"type":"Follow","actor":"a"}}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		a, err := ParseActivity(body)
		if err != nil {
			if !errors.Is(err, ErrNotActivity) {
				t.Fatalf("error %v is not ErrNotActivity", err)
			}
			return
		}
		if a.Type == "" || a.Actor == "" {
			t.Fatalf("accepted %+v without type or actor", a)
		}
		if a.Object != nil && a.Object.Object != nil {
			t.Fatalf("nested deeper than one level: %+v", a)
		}
	})
}

func TestParseRemote(t *testing.T) {
	pem := testPublicKeyPEM(t)
	for _, c := range []struct {
		file    string
		want    Remote
		isActor bool
	}{
		{"mastodon_person.json", Remote{
			ID: testAlice, Inbox: testAlice + "/inbox", SharedInbox: "https://mastodon.example/inbox",
			KeyID: testAlice + "#main-key", KeyOwner: testAlice, PublicKeyPEM: pem, Username: "alice", Name: "Alice",
			Icon: "https://files.mastodon.example/avatars/alice.png", URL: "https://mastodon.example/@alice", Followers: testAlice + "/followers"}, true},
		{"gotosocial_person.json", Remote{
			ID: "https://gts.example/users/carol", Inbox: "https://gts.example/users/carol/inbox", SharedInbox: "https://gts.example/sharedInbox",
			KeyID: "https://gts.example/users/carol/main-key", KeyOwner: "https://gts.example/users/carol", PublicKeyPEM: pem,
			Username: "carol", Name: "Carol", URL: "https://gts.example/@carol", Followers: "https://gts.example/users/carol/followers"}, true},
		{"misskey_person.json", Remote{
			ID: "https://misskey.example/users/9kq2m3x1ab", Inbox: "https://misskey.example/users/9kq2m3x1ab/inbox", SharedInbox: "https://misskey.example/inbox",
			KeyID: "https://misskey.example/users/9kq2m3x1ab#main-key", KeyOwner: "https://misskey.example/users/9kq2m3x1ab", PublicKeyPEM: pem,
			Username: "erin", URL: "https://misskey.example/@erin", Followers: "https://misskey.example/users/9kq2m3x1ab/followers"}, true},
		{"gotosocial_key_stub.json", Remote{
			ID: "https://gts.example/users/carol", KeyID: "https://gts.example/users/carol/main-key",
			KeyOwner: "https://gts.example/users/carol", PublicKeyPEM: pem}, false},
		{"key_document.json", Remote{
			ID: "https://pleroma.example/users/dave#main-key", KeyID: "https://pleroma.example/users/dave#main-key",
			KeyOwner: "https://pleroma.example/users/dave", PublicKeyPEM: pem}, false},
	} {
		t.Run(c.file, func(t *testing.T) {
			got, err := ParseRemote(readTestdata(t, "remote", c.file))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("got  %+v\nwant %+v", got, c.want)
			}
			if got.IsActor() != c.isActor {
				t.Errorf("IsActor = %v, want %v", got.IsActor(), c.isActor)
			}
			if _, err := ParsePublicKeyPEM(got.PublicKeyPEM); err != nil {
				t.Errorf("publicKeyPem: %v", err)
			}
		})
	}
}

func TestParseRemoteAlsoKnownAs(t *testing.T) {
	base := `{"id":"https://new.example/users/n","type":"Person","inbox":"https://new.example/users/n/inbox"`
	for _, c := range []struct {
		name, field string
		want        []string
	}{
		{"absent", ``, nil},
		{"one id", `,"alsoKnownAs":"https://old.example/users/o"`, []string{"https://old.example/users/o"}},
		{"list", `,"alsoKnownAs":["https://old.example/users/o","https://older.example/u"]`, []string{"https://old.example/users/o", "https://older.example/u"}},
		{"objects", `,"alsoKnownAs":[{"id":"https://old.example/users/o"}]`, []string{"https://old.example/users/o"}},
		{"not URLs dropped", `,"alsoKnownAs":["acct:o@old.example",3,"javascript:x"]`, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, err := ParseRemote([]byte(base + c.field + "}"))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(r.AlsoKnownAs, c.want) {
				t.Errorf("AlsoKnownAs = %q, want %q", r.AlsoKnownAs, c.want)
			}
		})
	}
}

func TestParseRemoteRejects(t *testing.T) {
	mastodon := string(readTestdata(t, "remote", "mastodon_person.json"))
	replace := func(old, new string) []byte {
		if !strings.Contains(mastodon, old) {
			t.Fatalf("fixture lacks %q", old)
		}
		return []byte(strings.Replace(mastodon, old, new, 1))
	}
	noInboxNoKey := []byte(`{"id":"https://x.example/u","type":"Person","preferredUsername":"u"}`)
	for name, body := range map[string][]byte{
		"no inbox, no key":   noInboxNoKey,
		"stub, key not http": []byte(`{"id":"https://gts.example/u","type":"Person","publicKey":{"id":"urn:k","owner":"https://gts.example/u","publicKeyPem":"PEM"}}`),
		"ftp inbox":          replace(`"inbox": "https://mastodon.example/users/alice/inbox"`, `"inbox": "ftp://mastodon.example/inbox"`),
		"relative inbox":     replace(`"inbox": "https://mastodon.example/users/alice/inbox"`, `"inbox": "/users/alice/inbox"`),
		"javascript shared":  replace(`"sharedInbox": "https://mastodon.example/inbox"`, `"sharedInbox": "javascript:alert(1)"`),
		"quote in id":        replace(`"id": "https://mastodon.example/users/alice",`, `"id": "https://mastodon.example/users/al\"ice",`),
		"no id":              replace(`"id": "https://mastodon.example/users/alice",`, ""),
		"key owner not http": []byte(`{"id":"https://pleroma.example/k","owner":"urn:x","publicKeyPem":"PEM"}`),
		"garbage":            []byte("<html>Just a moment...</html>"),
		"empty":              nil,
		"array":              []byte(`[{"id":"https://x.example/u","type":"Person","inbox":"https://x.example/i"}]`),
		"null":               []byte("null"),
		"note, not an actor": []byte(`{"id":"https://x.example/n/1","type":"Note","content":"hi"}`),
		"string":             []byte(`"https://x.example/u"`),
	} {
		t.Run(name, func(t *testing.T) {
			if got, err := ParseRemote(body); err == nil {
				t.Errorf("ParseRemote accepted %+v", got)
			}
		})
	}
}

// FuzzParseRemote feeds remote documents, mutated, to ParseRemote (and so to
// go-ap's decoder): it must not panic, and an actor it accepts must have
// http(s) id and inbox.
func FuzzParseRemote(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "remote", "*.json"))
	for _, file := range files {
		f.Add(readTestdata(f, "remote", filepath.Base(file)))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		r, err := ParseRemote(body)
		if err != nil {
			return
		}
		if r.IsActor() && (!isHTTPURL(r.ID) || !isHTTPURL(r.Inbox)) {
			t.Fatalf("accepted %+v", r)
		}
		if !r.IsActor() && (r.PublicKeyPEM == "" || !isHTTPURL(r.KeyOwner)) {
			t.Fatalf("accepted a key without owner or PEM: %+v", r)
		}
	})
}
