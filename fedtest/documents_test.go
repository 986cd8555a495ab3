package fedtest

import (
	"encoding/json"
	"strings"
	"testing"
)

// herald is the sender of the documents below.
const herald = "https://news.example/users/news"

// offlinePeer is a Peer in style whose document checks can run without
// servers: its user is https://peer.example/users/alice, who sent a Follow
// of herald as https://peer.example/follows/1.
func offlinePeer(style Style) *Peer {
	p := &Peer{Directory: &Directory{URL: "https://peer.example"}, Style: style,
		follows: map[string]string{"https://peer.example/follows/1": herald}, objects: map[string]map[string]any{},
		activities: map[string]bool{}}
	p.User = &Account{dir: p.Directory, path: "/users/alice"}
	return p
}

// note is a post as Herald renders it, changed by the given fields (a nil
// value deletes one).
func note(change map[string]any) map[string]any {
	n := map[string]any{"id": herald + "/posts/1", "type": "Note", "attributedTo": herald, "content": "<p>Hi</p>",
		"published": "2026-01-01T10:00:00Z", "to": []any{"https://www.w3.org/ns/activitystreams#Public"},
		"attachment": []any{map[string]any{"type": "Image", "mediaType": "image/jpeg", "url": "https://site.example/a.jpg", "name": "A"}}}
	for k, v := range change {
		if v == nil {
			delete(n, k)
		} else {
			n[k] = v
		}
	}
	return n
}

// activity wraps object in an activity of typ by herald.
func activity(typ string, object any) map[string]any {
	return map[string]any{"id": herald + "/activities/" + typ, "type": typ, "actor": herald, "object": object}
}

// images returns n valid attachments.
func images(n int) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = map[string]any{"type": "Image", "mediaType": "image/png", "url": "https://site.example/" + string(rune('a'+i)) + ".png"}
	}
	return out
}

var follow = map[string]any{"id": "https://peer.example/follows/1", "type": "Follow", "actor": "https://peer.example/users/alice", "object": herald}

// documentCase is one document a server's checks run on.
type documentCase struct {
	name       string
	style      Style
	prev       map[string]any // the object as last shown
	activity   map[string]any
	toInbox    bool // posted to the user's inbox (else the shared one)
	wantStatus int
	wantHidden string // substring; "" means shown
}

// edited is note(nil) as edited an hour later.
var edited = note(map[string]any{"updated": "2026-01-01T11:00:00Z"})

// documentCases are documents Herald must never send, and good ones.
var documentCases = []documentCase{
	{"mastodon: good Create", StyleMastodon, nil, activity("Create", note(nil)), false, 0, ""},
	{"mastodon: object on another host", StyleMastodon, nil, activity("Create", note(map[string]any{"id": "https://elsewhere.example/1"})), false, 0, "not on the actor's host"},
	{"mastodon: 5 attachments", StyleMastodon, nil, activity("Create", note(map[string]any{"attachment": images(5)})), false, 0, "keeps 4"},
	{"mastodon: Update without updated", StyleMastodon, note(nil), activity("Update", note(nil)), false, 0, "without updated"},
	{"mastodon: Update not later", StyleMastodon, edited, activity("Update", edited), false, 0, "not later"},
	{"mastodon 4.4: Update of an Article", StyleMastodon, nil, activity("Update", note(map[string]any{"type": "Article", "updated": "2026-01-01T11:00:00Z"})), false, 0, "does not edit"},
	{"mastodon 4.5: Update of an Article", StyleMastodon45, nil, activity("Update", note(map[string]any{"type": "Article", "updated": "2026-01-01T11:00:00Z"})), false, 0, ""},
	{"mastodon: Accept of the Follow", StyleMastodon, nil, activity("Accept", follow), true, 0, ""},
	{"mastodon: Accept of a Follow never sent", StyleMastodon, nil, activity("Accept", "https://peer.example/follows/9"), true, 0, "matches no Follow"},
	{"gotosocial: Accept without id", StyleGoToSocial, nil, map[string]any{"type": "Accept", "actor": herald, "object": follow}, true, 400, "no id"},
	{"gotosocial: Accept by IRI", StyleGoToSocial, nil, activity("Accept", "https://peer.example/follows/1"), true, 400, "embed"},
	{"gotosocial: Accept in the shared inbox", StyleGoToSocial, nil, activity("Accept", follow), false, 422, "not the same"},
	{"gotosocial: good Accept", StyleGoToSocial, nil, activity("Accept", follow), true, 0, ""},
	{"gotosocial: Note with name", StyleGoToSocial, nil, activity("Create", note(map[string]any{"name": "Title"})), false, 0, "content warning"},
	{"gotosocial: Update changing published", StyleGoToSocial, note(nil), activity("Update", note(map[string]any{"published": "2026-01-02T10:00:00Z"})), false, 0, "'published' changed"},
	{"misskey: activity id on another host", StyleMisskey, nil, map[string]any{"id": "https://elsewhere.example/1", "type": "Create", "actor": herald, "object": note(nil)}, false, 0, "signer's host"},
	{"misskey: attributedTo as an array", StyleMisskey, nil, activity("Create", note(map[string]any{"attributedTo": []any{herald}})), false, 0, "as a string"},
	{"misskey: Update of a Note", StyleMisskey, note(nil), activity("Update", edited), false, 0, "does not apply"},
	{"sharkey: Update of a Note", StyleSharkey, note(nil), activity("Update", edited), false, 0, ""},
	{"misskey: Accept by IRI", StyleMisskey, nil, activity("Accept", "https://peer.example/follows/1"), true, 0, "embed"},
	{"akkoma: Note with name", StyleAkkoma, nil, activity("Create", note(map[string]any{"name": "Title"})), false, 0, "linked title"},
	{"akkoma: Article with name", StyleAkkoma, nil, activity("Create", note(map[string]any{"type": "Article", "name": "Title"})), false, 0, ""},
	{"akkoma: Update as old as published", StyleAkkoma, note(nil), activity("Update", note(map[string]any{"updated": "2026-01-01T10:00:00Z"})), false, 0, "not later"},
	{"akkoma: Update later", StyleAkkoma, note(nil), activity("Update", edited), false, 0, ""},
	{"friendica: Note with name", StyleFriendica, nil, activity("Create", note(map[string]any{"name": "Title"})), false, 0, "title"},
	{"pixelfed: good Create", StylePixelfed, nil, activity("Create", note(nil)), false, 0, ""},
	{"pixelfed: text-only Note", StylePixelfed, nil, activity("Create", note(map[string]any{"attachment": nil})), false, 0, "without attachments"},
	{"pixelfed: Article", StylePixelfed, nil, activity("Create", note(map[string]any{"type": "Article"})), false, 0, "of type Article"},
	{"pixelfed: no to", StylePixelfed, nil, activity("Create", note(map[string]any{"to": nil})), false, 0, "without to"},
	{"pixelfed: WebP", StylePixelfed, nil, activity("Create", note(map[string]any{"attachment": []any{map[string]any{"type": "Image", "mediaType": "image/webp", "url": "https://site.example/a.webp"}}})), false, 0, "mediaType"},
	{"pixelfed: alt over 255", StylePixelfed, nil, activity("Create", note(map[string]any{"attachment": []any{map[string]any{"type": "Image", "mediaType": "image/png", "url": "https://site.example/a.png", "name": strings.Repeat("é", 256)}}})), false, 0, "over 255"},
	{"pixelfed: URL over 255", StylePixelfed, nil, activity("Create", note(map[string]any{"attachment": []any{map[string]any{"type": "Image", "mediaType": "image/png", "url": "https://site.example/" + strings.Repeat("a", 240) + ".png"}}})), false, 0, "over 255"},
	{"pixelfed: 6000 pixels wide", StylePixelfed, nil, activity("Create", note(map[string]any{"attachment": []any{map[string]any{"type": "Image", "mediaType": "image/png", "url": "https://site.example/a.png", "width": 6000.0}}})), false, 0, "outside 1..5000"},
	{"pixelfed: Delete by IRI", StylePixelfed, nil, activity("Delete", herald+"/posts/1"), false, 0, "Tombstone"},
	{"pixelfed: Delete of a Tombstone", StylePixelfed, nil, activity("Delete", map[string]any{"id": herald + "/posts/1", "type": "Tombstone"}), false, 0, ""},
	{"pixelfed: Accept by IRI", StylePixelfed, nil, activity("Accept", "https://peer.example/follows/1"), true, 0, "embed"},
	{"pixelfed: activity without id", StylePixelfed, nil, map[string]any{"type": "Create", "actor": herald, "object": note(nil)}, false, 0, "without id"},
}

// TestDocumentChecks runs each server's document checks on documents
// Herald must never send (and on good ones): each check must catch its
// violation, so that the interop tests passing means something.
func TestDocumentChecks(t *testing.T) {
	for _, tt := range documentCases {
		t.Run(tt.name, func(t *testing.T) {
			p := offlinePeer(tt.style)
			if tt.prev != nil {
				p.objects[str(tt.prev["id"])] = tt.prev
			}
			body, _ := json.Marshal(tt.activity)
			var owner *Account
			if tt.toInbox {
				owner = p.User
			}
			status, hidden := p.check(Delivery{Activity: tt.activity, Body: body, KeyID: herald + "#main-key"}, owner)
			if status != tt.wantStatus || (tt.wantHidden == "") != (hidden == "") || !strings.Contains(hidden, tt.wantHidden) {
				t.Errorf("check = %d %q, want %d %q", status, hidden, tt.wantStatus, tt.wantHidden)
			}
		})
	}
}

// TestPixelfedEnvelope: Pixelfed drops an activity id it saw within the
// hour, and JSON nested deeper than 8.
func TestPixelfedEnvelope(t *testing.T) {
	p := offlinePeer(StylePixelfed)
	create := activity("Create", note(nil))
	body, _ := json.Marshal(create)
	d := Delivery{Activity: create, Body: body, KeyID: herald + "#main-key"}
	if _, hidden := p.check(d, nil); hidden != "" {
		t.Fatalf("first delivery hidden: %s", hidden)
	}
	if _, hidden := p.check(d, nil); !strings.Contains(hidden, "duplicate") {
		t.Errorf("second delivery of the same id: hidden %q, want a duplicate", hidden)
	}
	deep := activity("Like", map[string]any{"a": []any{[]any{[]any{[]any{[]any{[]any{[]any{"x"}}}}}}}})
	body, _ = json.Marshal(deep)
	if _, hidden := p.check(Delivery{Activity: deep, Body: body, KeyID: herald + "#main-key"}, nil); !strings.Contains(hidden, "nested") {
		t.Errorf("JSON nested 9 deep: hidden %q", hidden)
	}
}

// TestValidateMisskeyActor: Misskey refuses an actor whose url, inbox or
// collections are on another host or whose user name it cannot take.
func TestValidateMisskeyActor(t *testing.T) {
	good := func() map[string]any {
		return map[string]any{"id": herald, "type": "Service", "preferredUsername": "news", "inbox": herald + "/inbox",
			"outbox": herald + "/outbox", "followers": herald + "/followers", "following": herald + "/following",
			"endpoints": map[string]any{"sharedInbox": "https://news.example/inbox"}, "url": herald,
			"publicKey": map[string]any{"id": herald + "#main-key"}}
	}
	tests := []struct {
		name, field string
		value       any
		ok          bool
	}{
		{"good", "", nil, true},
		{"url on the website's host", "url", "https://website.example/", false},
		{"inbox elsewhere", "inbox", "https://elsewhere.example/inbox", false},
		{"shared inbox elsewhere", "endpoints", map[string]any{"sharedInbox": "https://elsewhere.example/inbox"}, false},
		{"followers elsewhere", "followers", "https://elsewhere.example/f", false},
		{"user name with a colon", "preferredUsername", "news.example:8080", false},
		{"user name with dots inside", "preferredUsername", "news.example.org", true},
		{"key elsewhere", "publicKey", map[string]any{"id": "https://elsewhere.example/k"}, false},
		{"not an actor", "type", "Note", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := good()
			if tt.field != "" {
				doc[tt.field] = tt.value
			}
			if err := ValidateMisskeyActor(doc, herald); (err == nil) != tt.ok {
				t.Errorf("ValidateMisskeyActor = %v, want ok %t", err, tt.ok)
			}
		})
	}
}
