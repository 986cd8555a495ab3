package clientapi_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"herald/actor"
	"herald/apptest/node"
	"herald/fedtest"
)

// mastoDir holds the Node project that runs masto.js (.ci/run installs it
// with npm ci).
const mastoDir = "../interop/masto"

// mastoNode is the Node that npm installed in mastoDir (see package node).
func mastoNode(t *testing.T) string { return node.Find(t, mastoDir, "masto.js interop test") }

// runMasto runs masto.js's check.mjs against a and returns its events by
// name.
func runMasto(t *testing.T, node string, a *apiHerald) map[string]map[string]any {
	t.Helper()
	return runClientCheck(t, node, mastoDir, a)
}

// runClientCheck runs the check.mjs of the Node project dir against a, as
// the user alice, and returns its events (JSON lines) by name; an "error"
// event or a failed run fails the test.
func runClientCheck(t *testing.T, node, dir string, a *apiHerald) map[string]map[string]any {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "check.mjs")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "HERALD_URL="+a.base, "HERALD_USER=alice", "HERALD_PASSWORD="+a.password)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	events := map[string]map[string]any{}
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var ev map[string]any
		if json.Unmarshal(sc.Bytes(), &ev) == nil {
			events[ev["event"].(string)] = ev
		}
	}
	if e, ok := events["error"]; ok || err != nil {
		t.Fatalf("%s: %v %v\n%s", dir, e, err, stderr.String())
	}
	return events
}

// TestMastoJS has masto.js (npm masto 8, the client library of Elk and
// Phanpy) sign in through the OAuth flow with PKCE and read: the
// signed-in account, a lookup, the posts page by page through the Link
// headers, one post, both instance entities, what apps ask for at start
// and the notifications marker; open the question's author and the
// relationship to it; then answer a citizen's
// direct question (sent by a Mastodon-style fedtest peer) found in the
// notifications, read the thread, delete the answer and dismiss the
// notification; schedule a post, list it, move it and cancel it; after it
// revokes its token, the token gets 401.
func TestMastoJS(t *testing.T) {
	node := mastoNode(t)
	a := startAPI(t, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	c := newCitizen(t)
	question, questionID := c.question(actor.URLs{Base: a.base}.Actor("news"), "Is de dijk veilig?")
	c.send(ctx, t, a.base, question)
	ev := runMasto(t, node, a)
	if app := ev["app"]; app["hasSecret"] != true || app["name"] != "masto.js interop" {
		t.Errorf("app: %v", app)
	}
	if p := ev["signin-page"]; p["status"] != 200.0 || p["hasCsrf"] != true || p["cookie"] != true {
		t.Errorf("sign-in page: %v", p)
	}
	if s := ev["signed-in"]; s["status"] != 302.0 || s["state"] != "masto-state" || s["hasCode"] != true {
		t.Errorf("sign-in: %v", s)
	}
	if tok := ev["token"]; tok["tokenType"] != "Bearer" || tok["scope"] != "read write follow push" {
		t.Errorf("token: %v", tok)
	}
	me := ev["me"]["account"].(map[string]any)
	if me["username"] != "news" || me["source"] == nil || ev["lookup"]["id"] != me["id"] {
		t.Errorf("verifyCredentials %v, lookup %v", me, ev["lookup"])
	}
	checkMastoPages(t, ev["statuses"]["pages"].([]any))
	if s := ev["status"]; s["visibility"] != "public" || s["account"] != me["id"] || s["content"] == "" {
		t.Errorf("status: %v", s)
	}
	if in := ev["instance"]; in["apiVersions"].(map[string]any)["mastodon"] != 2.0 || in["registrations"] != false ||
		!strings.HasPrefix(in["version"].(string), "4.3.0 (compatible; Herald") || in["v1uri"] != in["domain"] {
		t.Errorf("instance: %v", in)
	}
	if s := ev["startup"]; s["visibility"] != "public" || fmt.Sprint(s["sizes"]) != "[0 0 0 0 0 0]" {
		t.Errorf("start-up calls: %v", s)
	}
	if m := ev["markers"]; m["saved"] != "1" || m["read"] != "1" || m["version"] != 0.0 {
		t.Errorf("markers: %v", m)
	}
	checkMastoWebcare(ctx, t, ev, c, questionID)
	checkMastoSchedule(t, ev)
	if r := ev["after-revoke"]; r["statusCode"] != 401.0 || r["message"] != "The access token was revoked" {
		t.Errorf("after revoking: %v", r)
	}
	if _, ok := ev["done"]; !ok {
		t.Error("check.mjs did not finish")
	}
}

// checkMastoPages: the paginator followed the Link headers through three
// pages (2, 2, 1) of the five posts, newest first, each once.
func checkMastoPages(t *testing.T, pages []any) {
	t.Helper()
	var sizes []int
	seen := map[string]bool{}
	last := ""
	for _, p := range pages {
		sizes = append(sizes, len(p.([]any)))
		for _, s := range p.([]any) {
			st := s.(map[string]any)
			id, created := st["id"].(string), st["createdAt"].(string)
			if seen[id] || (last != "" && created > last) {
				t.Errorf("post %s (%s) repeated or out of order", id, created)
			}
			seen[id], last = true, created
		}
	}
	if len(seen) != 5 || len(sizes) != 3 || sizes[0] != 2 || sizes[2] != 1 {
		t.Errorf("pages of %v posts, %d in all; want 2, 2, 1", sizes, len(seen))
	}
}

// checkMastoWebcare: masto.js found the question among the notifications
// (and as a group of its own among the grouped ones),
// answered it directly (the citizen's server got the answer, in reply to
// the question, then its Delete), saw the thread, deleted the answer and
// dismissed the notification.
func checkMastoWebcare(ctx context.Context, t *testing.T, ev map[string]map[string]any, c *citizen, questionID string) {
	t.Helper()
	q, _ := ev["notifications"]["question"].(map[string]any)
	if q == nil || q["uri"] != questionID || q["acct"] != c.acct() || q["displayName"] != "Alice Burger" {
		t.Fatalf("notifications: %v", ev["notifications"])
	}
	if g := ev["grouped"]; g["groups"] != 1.0 || fmt.Sprint(g["accounts"]) != "["+c.acct()+"]" || g["questionStatus"] != q["statusId"] ||
		fmt.Sprint(g["statuses"]) != fmt.Sprint([]any{q["statusId"]}) || g["unread"] != 1.0 {
		t.Errorf("grouped notifications: %v", g)
	}
	if a := ev["author"]; a["acct"] != c.acct() || a["relationship"] != true || a["followedBy"] != false {
		t.Errorf("the question's author: %v", a)
	}
	answer := ev["answer"]
	uri, _ := answer["uri"].(string)
	if answer["inReplyToId"] != q["statusId"] || answer["visibility"] != "direct" || fmt.Sprint(answer["mentions"]) != "["+c.acct()+"]" {
		t.Errorf("answer: %v", answer)
	}
	if cx := ev["context"]; fmt.Sprint(cx["ancestors"]) != "["+questionID+"]" || len(cx["descendants"].([]any)) != 0 {
		t.Errorf("context: %v", cx)
	}
	if r := ev["removed"]; r["id"] != answer["id"] || r["text"] != "@"+c.acct()+" Dank voor uw vraag: de dijk is veilig." {
		t.Errorf("removed: %v", r)
	}
	if ev["dismissed"]["left"] != 0.0 {
		t.Errorf("after dismissing: %v", ev["dismissed"])
	}
	for _, typ := range []string{"Create", "Delete"} {
		d, err := c.peer.WaitFor(ctx, func(d fedtest.Delivery) bool { return d.Type() == typ && d.Object()["id"] == uri })
		if err != nil || d.Problem != "" {
			t.Fatalf("the citizen's server got no verified %s of the answer: %v %s", typ, err, d.Problem)
		}
		if typ == "Create" && d.Object()["inReplyTo"] != questionID {
			t.Errorf("the answer's inReplyTo is %v, want %s", d.Object()["inReplyTo"], questionID)
		}
	}
}

// checkMastoSchedule: masto.js scheduled a post (a ScheduledStatus came
// back, with its time and text), found it listed, moved it and cancelled
// it.
func checkMastoSchedule(t *testing.T, ev map[string]map[string]any) {
	t.Helper()
	s := ev["scheduled"]
	if s["id"] == nil || s["scheduledAt"] != s["want"] || s["text"] != "Morgen: open dag op het gemeentehuis." || s["media"] != 0.0 {
		t.Errorf("scheduled: %v", s)
	}
	if l := ev["scheduled-list"]; fmt.Sprint(l["ids"]) != fmt.Sprint([]any{s["id"]}) {
		t.Errorf("scheduled list: %v, want [%v]", l, s["id"])
	}
	if r := ev["rescheduled"]; r["id"] != s["id"] || r["scheduledAt"] != r["want"] {
		t.Errorf("rescheduled: %v", r)
	}
	if c := ev["cancelled"]; c["left"] != 0.0 {
		t.Errorf("after cancelling: %v", c)
	}
}
