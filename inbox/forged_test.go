package inbox_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"herald/actor"
	"herald/apptest"
	"herald/config"
	"herald/fedtest"
)

// forgeEnv is a Herald with one post, a directory of remote accounts
// (alice, mallory, a blocked one, a deleted one) and bodies to forge with.
type forgeEnv struct {
	h                              *apptest.Herald
	cfg                            *config.Config
	dir                            *fedtest.Directory
	alice, mallory, blocked, ghost *fedtest.Account
	carol                          *fedtest.Account // signs with RFC 9421
	post, inbox                    string
}

func newForgeEnv(t *testing.T, tweak func(*config.Config)) *forgeEnv {
	t.Helper()
	dir := fedtest.NewDirectory()
	t.Cleanup(dir.Close)
	e := &forgeEnv{dir: dir}
	for _, a := range []struct {
		acct **fedtest.Account
		path string
	}{{&e.alice, "/users/alice"}, {&e.mallory, "/users/mallory"}, {&e.blocked, "/users/blocked"}, {&e.ghost, "/users/ghost"}} {
		acct, err := dir.Add(a.path, fedtest.StyleMastodon)
		if err != nil {
			t.Fatal(err)
		}
		*a.acct = acct
	}
	e.ghost.SetGone()
	carol, err := dir.Add("/users/carol", fedtest.StyleRFC9421)
	if err != nil {
		t.Fatal(err)
	}
	e.carol = carol
	feed := apptest.NewFeedServer(t, apptest.Fixture(t, "1-published.feed.rss.xml"))
	e.cfg = apptest.Config(t, config.Feed{Handle: "news", URL: feed.URL})
	e.cfg.Inbox.BlockedActors = []string{e.blocked.ID()}
	if tweak != nil {
		tweak(e.cfg)
	}
	e.h = apptest.Start(t, e.cfg, nil)
	apptest.Eventually(t, 5*time.Second, "first poll", func() bool {
		st, _ := e.h.Store().FeedState("news")
		return st.Initialised
	})
	e.post = actor.URLs{Base: e.cfg.BaseURL}.Object("news", "http://127.0.0.1:8081/?p=4")
	e.inbox = e.cfg.BaseURL + "/inbox"
	return e
}

// like is a Like of the post by a.
func (e *forgeEnv) like(t *testing.T, a *fedtest.Account, n string) []byte {
	return apptest.MustJSON(t, map[string]any{"@context": "https://www.w3.org/ns/activitystreams",
		"id": a.ID() + "#likes/" + n, "type": "Like", "actor": a.ID(), "object": e.post})
}

// nothingStored fails if any follower, delivery, interaction or report exists.
func (e *forgeEnv) nothingStored(t *testing.T) {
	t.Helper()
	if n, _ := e.h.Store().FollowerCount("news"); n != 0 {
		t.Errorf("%d followers stored", n)
	}
	if n, _ := e.h.Store().PendingJobs(); n != 0 {
		t.Errorf("%d deliveries queued", n)
	}
	for _, kind := range []string{"like", "share", "reply"} {
		if _, n, _ := e.h.Store().Interactions(e.post, kind, 0); n != 0 {
			t.Errorf("%d %s interactions stored", n, kind)
		}
	}
	if flags, _ := e.h.Store().Flags(); len(flags) != 0 {
		t.Errorf("%d reports stored", len(flags))
	}
}

// sig returns a tamper function that rewrites the Signature header.
func sig(edit func(string) string) func(*http.Request) {
	return func(r *http.Request) { r.Header.Set("Signature", edit(r.Header.Get("Signature"))) }
}

func setHeader(name, value string) func(*http.Request) {
	return func(r *http.Request) { r.Header.Set(name, value) }
}

var sigParam = regexp.MustCompile(`(keyId|algorithm|headers|signature)="[^"]*",?`)

// dropParam removes one parameter from a Signature header value.
func dropParam(name string) func(string) string {
	return func(s string) string {
		return strings.TrimSuffix(sigParam.ReplaceAllStringFunc(s, func(m string) string {
			if strings.HasPrefix(m, name+"=") {
				return ""
			}
			return m
		}), ",")
	}
}

func replaceIn(old, new string) func(string) string {
	return func(s string) string { return strings.Replace(s, old, new, 1) }
}

// forgedCase is one forged or malformed inbox POST and the status it must
// get.
type forgedCase struct {
	name   string
	from   *fedtest.Account // nil: alice
	body   []byte           // nil: a Like of the post by alice
	at     time.Duration    // the signature's time, from the test's now
	path   string           // "": the shared inbox
	tamper func(*http.Request)
	want   int
}

// TestInboxRejectsForgedRequests sends forged and malformed requests — each
// signature part missing or wrong, stale or future dates, keys of other
// actors, digest mismatches, wrong content types, JSON bombs, unknown
// types, activities a sender may not make — and checks the status and that
// nothing at all was stored.
func TestInboxRejectsForgedRequests(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	e := newForgeEnv(t, nil)
	now := time.Now()
	like := e.like(t, e.alice, "1")
	var tests []forgedCase
	tests = append(tests, forgedSignatures(now)...)
	tests = append(tests, forgedSenders(t, e, like)...)
	tests = append(tests, malformedBodies(e)...)
	tests = append(tests, forbiddenActivities(t, e)...)
	tests = append(tests, forgedRFC9421(t, e)...)
	tests = append(tests, forgedCase{name: "like by a blocked actor", from: e.blocked, body: e.like(t, e.blocked, "1"), want: 403})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			from, body := tc.from, tc.body
			if from == nil {
				from = e.alice
			}
			if body == nil {
				body = like
			}
			target := e.inbox
			if tc.path != "" {
				target = e.cfg.BaseURL + tc.path
			}
			resp, err := from.Post(ctx, target, body, now.Add(tc.at), tc.tamper)
			if err != nil {
				t.Fatal(err)
			}
			msg, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.want {
				t.Fatalf("HTTP %d (%s), want %d", resp.StatusCode, msg, tc.want)
			}
			e.nothingStored(t)
		})
	}
}

// forgedSignatures are alice's Like with each part of the signature
// missing or wrong, a date out of range or changed, or another path.
func forgedSignatures(now time.Time) []forgedCase {
	return []forgedCase{
		{name: "unsigned", tamper: func(r *http.Request) { r.Header.Del("Signature") }, want: 401},
		{name: "signature without keyId", tamper: sig(dropParam("keyId")), want: 401},
		{name: "signature without signature value", tamper: sig(dropParam("signature")), want: 401},
		{name: "signature without headers (means date only)", tamper: sig(dropParam("headers")), want: 401},
		{name: "digest not signed", tamper: sig(replaceIn(" digest", "")), want: 401},
		{name: "request-target not signed", tamper: sig(replaceIn("(request-target) ", "")), want: 401},
		{name: "host not signed", tamper: sig(replaceIn(" host", "")), want: 401},
		{name: "signature value altered", tamper: sig(replaceIn(`signature="`, `signature="AAAA`)), want: 401},
		{name: "signature value not base64", tamper: sig(replaceIn(`signature="`, `signature="%%%`)), want: 401},
		{name: "unterminated quote", tamper: sig(func(s string) string { return strings.TrimSuffix(s, `"`) }), want: 401},
		{name: "two Signature headers", tamper: func(r *http.Request) { r.Header.Add("Signature", r.Header.Get("Signature")) }, want: 401},
		{name: "unknown algorithm", tamper: sig(replaceIn("rsa-sha256", "hmac-sha256")), want: 401},
		{name: "Date two hours old", at: -2 * time.Hour, want: 401},
		{name: "Date two hours ahead", at: 2 * time.Hour, want: 401},
		{name: "Date removed after signing", tamper: func(r *http.Request) { r.Header.Del("Date") }, want: 401},
		{name: "Date changed after signing", tamper: setHeader("Date", now.Add(time.Minute).UTC().Format(http.TimeFormat)), want: 401},
		{name: "expired signature", tamper: sig(func(s string) string { return s + ",expires=" + "1000000000" }), want: 401},
		{name: "signed for another path", path: "/users/news/inbox", tamper: func(r *http.Request) {
			r.URL.Path = "/inbox"
		}, want: 401},
	}
}

// forgedSenders are like signed by someone else than its actor, with a
// body or digest changed after signing, or of the wrong content type.
func forgedSenders(t *testing.T, e *forgeEnv, like []byte) []forgedCase {
	return []forgedCase{
		{name: "key of another actor", from: e.mallory, body: like, tamper: sig(replaceIn(e.mallory.KeyID(), e.alice.KeyID())), want: 401},
		{name: "actor is not the key owner", from: e.mallory, body: like, want: 401},
		{name: "key owner gone", from: e.ghost, body: e.like(t, e.ghost, "1"), want: 401},
		{name: "body swapped after signing", tamper: func(r *http.Request) {
			other := bytes.Replace(like, []byte("likes/1"), []byte("likes/2"), 1)
			r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(other)), int64(len(other))
		}, want: 400},
		{name: "Digest removed", tamper: func(r *http.Request) { r.Header.Del("Digest") }, want: 401},
		{name: "Digest of another body", tamper: setHeader("Digest", "SHA-256=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="), want: 400},
		{name: "Content-Type text/plain", tamper: setHeader("Content-Type", "text/plain"), want: 415},
		{name: "Content-Type form", tamper: setHeader("Content-Type", "application/x-www-form-urlencoded"), want: 415},
	}
}

// malformedBodies are bodies, properly signed by alice, that are too deep,
// too wide, too large, not JSON or not an activity.
func malformedBodies(e *forgeEnv) []forgedCase {
	deep := []byte(`{"type":"Like","actor":"` + e.alice.ID() + `","object":` + strings.Repeat("[", 5000) + strings.Repeat("]", 5000) + `}`)
	deepObj := []byte(`{"type":"Like","actor":"` + e.alice.ID() + `","x":` + strings.Repeat(`{"a":`, 100) + "1" + strings.Repeat("}", 100) + `}`)
	wide := []byte(`{"type":"Like","actor":"` + e.alice.ID() + `","object":"` + e.post + `","to":[` + strings.Repeat(`1,`, 100_000) + `1]}`)
	return []forgedCase{
		{name: "JSON bomb: 5000 nested arrays", body: deep, want: 400},
		{name: "deeply nested objects", body: deepObj, want: 400},
		{name: "array of 100,001 elements", body: wide, want: 400},
		{name: "not JSON", body: []byte("hello"), want: 400},
		{name: "JSON array", body: []byte(`[1,2,3]`), want: 400},
		{name: "no type", body: []byte(`{"actor":"` + e.alice.ID() + `"}`), want: 400},
		{name: "id with a quote", body: []byte(`{"id":"x\"y","type":"Like","actor":"` + e.alice.ID() + `","object":"` + e.post + `"}`), want: 400},
		{name: "over 1 MiB", body: bytes.Repeat([]byte(" "), 1<<20+1), want: 413},
	}
}

// forbiddenActivities are well-formed activities, properly signed, that
// Herald accepts and ignores or that their sender may not make.
func forbiddenActivities(t *testing.T, e *forgeEnv) []forgedCase {
	follow := apptest.MustJSON(t, map[string]any{"id": e.alice.ID() + "#follows/1", "type": "Follow", "actor": e.alice.ID(), "object": e.cfg.BaseURL + "/users/news"})
	reply := func(attributedTo, inReplyTo string) []byte {
		return apptest.MustJSON(t, map[string]any{"id": e.alice.ID() + "/statuses/1/activity", "type": "Create", "actor": e.alice.ID(),
			"object": map[string]any{"id": e.alice.ID() + "/statuses/1", "type": "Note", "attributedTo": attributedTo, "inReplyTo": inReplyTo, "content": "hi"}})
	}
	return []forgedCase{
		{name: "unknown type", body: []byte(`{"id":"` + e.alice.ID() + `#x","type":"Frobnicate","actor":"` + e.alice.ID() + `","object":"` + e.post + `"}`), want: 202},
		{name: "like of something not Herald's", body: apptest.MustJSON(t, map[string]any{"id": e.alice.ID() + "#l", "type": "Like", "actor": e.alice.ID(), "object": e.cfg.BaseURL + "/users/news/posts/nope"}), want: 202},
		{name: "reply attributed to another", body: reply(e.mallory.ID(), e.post), want: 403},
		{name: "undo of another actor's like", body: apptest.MustJSON(t, map[string]any{"id": e.alice.ID() + "#u", "type": "Undo", "actor": e.alice.ID(),
			"object": map[string]any{"id": e.mallory.ID() + "#likes/1", "type": "Like", "actor": e.mallory.ID(), "object": e.post}}), want: 403},
		{name: "move to a target without alias", body: apptest.MustJSON(t, map[string]any{"id": e.alice.ID() + "#m", "type": "Move", "actor": e.alice.ID(),
			"object": e.alice.ID(), "target": e.mallory.ID()}), want: 403},
		{name: "flag of nothing of Herald's", body: apptest.MustJSON(t, map[string]any{"id": e.alice.ID() + "#f", "type": "Flag", "actor": e.alice.ID(),
			"object": []string{e.mallory.ID()}}), want: 202},
		{name: "blocked actor", from: e.blocked, body: follow, want: 403},
	}
}

// forgedRFC9421 are carol's Likes, signed the RFC 9421 way, with a digest,
// signature, creation time or key id wrong.
func forgedRFC9421(t *testing.T, e *forgeEnv) []forgedCase {
	return []forgedCase{
		{name: "RFC 9421: Content-Digest of another body", from: e.carol, body: e.like(t, e.carol, "1"),
			tamper: setHeader("Content-Digest", "sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:"), want: 400},
		{name: "RFC 9421: signature altered", from: e.carol, body: e.like(t, e.carol, "1"),
			tamper: sig(replaceIn("sig1=:", "sig1=:AAAA")), want: 401},
		{name: "RFC 9421: created removed", from: e.carol, body: e.like(t, e.carol, "1"), tamper: func(r *http.Request) {
			r.Header.Set("Signature-Input", regexp.MustCompile(`;created=\d+`).ReplaceAllString(r.Header.Get("Signature-Input"), ""))
		}, want: 401},
		{name: "RFC 9421: created two hours old", from: e.carol, body: e.like(t, e.carol, "1"), at: -2 * time.Hour, want: 401},
		{name: "RFC 9421: Signature-Input names another actor's key", from: e.carol, body: e.like(t, e.carol, "1"), tamper: func(r *http.Request) {
			r.Header.Set("Signature-Input", strings.Replace(r.Header.Get("Signature-Input"), e.carol.KeyID(), e.alice.KeyID(), 1))
		}, want: 401},
	}
}
