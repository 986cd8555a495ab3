package clientapi_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"herald/actor"
	"herald/apptest/node"
	"herald/fedtest"
)

// megalodonDir holds the Node project that runs megalodon (.ci/run
// installs it with npm ci).
const megalodonDir = "../interop/megalodon"

// TestMegalodon has megalodon (npm megalodon 10, the client library of the
// Whalebird and Fedistar apps) do what those apps do: tell from Herald's
// NodeInfo that it speaks Mastodon's API (it refuses servers it does not
// know), register, sign in through the sign-in page without PKCE, read
// the account and the notifications, answer a citizen's direct question
// (the citizen's server gets the answer in reply to the question), read
// the thread, delete the answer, and revoke the token (401 afterwards).
func TestMegalodon(t *testing.T) {
	bin := node.Find(t, megalodonDir, "megalodon interop test")
	a := startAPI(t, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	c := newCitizen(t)
	question, questionID := c.question(actor.URLs{Base: a.base}.Actor("news"), "Is de Dorpsstraat weer open?")
	c.send(ctx, t, a.base, question)
	ev := runClientCheck(t, bin, megalodonDir, a)
	if d := ev["detected"]; d["sns"] != "mastodon" {
		t.Errorf("megalodon detected %v, want mastodon", d)
	}
	if s := ev["signed-in"]; s["status"] != 302.0 || s["hasCode"] != true || s["redirect"] != "https://whalebird.example/callback" {
		t.Errorf("sign-in: %v", s)
	}
	if tok := ev["token"]; tok["hasToken"] != true || tok["scope"] != "read write follow" {
		t.Errorf("token: %v", tok)
	}
	if me := ev["me"]; me["username"] != "news" || me["acct"] != "news" {
		t.Errorf("verifyAccountCredentials: %v", me)
	}
	q, _ := ev["notifications"]["question"].(map[string]any)
	if q == nil || q["uri"] != questionID || q["acct"] != c.acct() {
		t.Fatalf("notifications: %v", ev["notifications"])
	}
	answer := ev["answer"]
	if answer["inReplyToId"] != q["statusId"] || answer["visibility"] != "direct" || fmt.Sprint(answer["mentions"]) != "["+c.acct()+"]" {
		t.Errorf("answer: %v", answer)
	}
	if cx := ev["context"]; fmt.Sprint(cx["ancestors"]) != "["+questionID+"]" {
		t.Errorf("context: %v", cx)
	}
	if r := ev["removed"]; r["status"] != 200.0 {
		t.Errorf("delete: %v", r)
	}
	d, err := c.peer.WaitFor(ctx, func(d fedtest.Delivery) bool { return d.Type() == "Create" && d.Object()["id"] == answer["uri"] })
	if err != nil || d.Problem != "" || d.Object()["inReplyTo"] != questionID {
		t.Errorf("the citizen's server got no verified answer to the question: %v %s", err, d.Problem)
	}
	if r := ev["after-revoke"]; r["status"] != 401.0 {
		t.Errorf("after revoking: %v", r)
	}
	if _, ok := ev["done"]; !ok {
		t.Error("check.mjs did not finish")
	}
}
