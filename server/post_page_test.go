package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"herald/apptest"
)

// TestPostPage: a browser opening a post's id gets its page (title,
// content, dates, the article link, the counts of its interactions, the
// account and the policies), worded in the account's language (the
// feed's, nl-NL); ActivityPub clients get the stored JSON as before.
func TestPostPage(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	h, _, alice, urls := apptest.Followed(ctx, t, nil)
	post := urls.Object("news", "http://127.0.0.1:8081/?p=4")
	apptest.PostStatus(ctx, t, alice, urls.Inbox("news"), map[string]any{"@context": "https://www.w3.org/ns/activitystreams",
		"id": alice.ActorID() + "#likes/1", "type": "Like", "actor": alice.ActorID(), "object": post}, http.StatusAccepted)
	apptest.Eventually(t, 5*time.Second, "like stored", func() bool {
		_, n, _ := h.Store().Interactions(post, "like", 0)
		return n == 1
	})

	resp, body := get(t, post, browserAccept)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/html; charset=utf-8" || resp.Header.Get("Vary") != "Accept" {
		t.Fatalf("browser GET post: HTTP %d %s, Vary %q", resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Vary"))
	}
	wantAll(t, "post page", body, `<html lang="nl-NL"`, `<h1 lang="nl">Kabinet investeert € 5 miljoen in waterveiligheid</h1>`,
		`Gepubliceerd op <time datetime="`, `<a href="http://127.0.0.1:8081/2026/11/26/kabinet-investeert-e-5-miljoen-in-waterveiligheid/">Lees het artikel op de website</a>`,
		"<li>1 favoriet</li>", "<li>0 boosts</li>", "<li>0 reacties</li>", `href="`+urls.Actor("news")+`"`,
		`href="/about/privacy">Privacyverklaring</a>`, `href="/about/minimum-age"`)
	if strings.Contains(body, "<script") {
		t.Errorf("post page has a script:\n%s", body)
	}

	resp, doc := get(t, post, "application/activity+json")
	_, plain := get(t, post, "")
	var note map[string]any
	if resp.StatusCode != http.StatusOK || json.Unmarshal([]byte(doc), &note) != nil || note["id"] != post || doc != plain {
		t.Errorf("GET post as ActivityPub: HTTP %d, not the stored document:\n%s", resp.StatusCode, doc)
	}
}
