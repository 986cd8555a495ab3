package inbox_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"herald/actor"
	"herald/apptest"
	"herald/config"
	"herald/fedtest"
	"herald/store"
)

// mentionEnv is a Herald with one post and a directory of remote accounts.
type mentionEnv struct {
	h    *apptest.Herald
	urls actor.URLs
	post string
	dir  *fedtest.Directory
}

func newMentionEnv(t *testing.T) *mentionEnv {
	feed := apptest.NewFeedServer(t, apptest.Fixture(t, "1-published.feed.rss.xml"))
	cfg := apptest.Config(t, config.Feed{Handle: "news", URL: feed.URL})
	h := apptest.Start(t, cfg, nil)
	apptest.Eventually(t, 5*time.Second, "first poll", func() bool {
		st, _ := h.Store().FeedState("news")
		return st.Initialised
	})
	dir := fedtest.NewDirectory()
	t.Cleanup(dir.Close)
	urls := actor.URLs{Base: cfg.BaseURL}
	return &mentionEnv{h: h, urls: urls, post: urls.Object("news", "http://127.0.0.1:8081/?p=4"), dir: dir}
}

// note is a Create of a Note by author (on the directory) with audience
// to and cc, mentioning mentions, answering inReplyTo ("" for none).
func (e *mentionEnv) note(author, id, content, inReplyTo string, to, cc, mentions []string) map[string]any {
	var tags []any
	for _, m := range mentions {
		tags = append(tags, map[string]any{"type": "Mention", "href": m, "name": "@news@herald"})
	}
	obj := map[string]any{"id": e.dir.URL + id, "type": "Note", "attributedTo": author, "content": content, "to": to, "cc": cc,
		"tag": tags, "published": "2026-12-01T10:00:00Z", "url": e.dir.URL + id + "/page"}
	if inReplyTo != "" {
		obj["inReplyTo"] = inReplyTo
	}
	return map[string]any{"@context": actor.ActivityStreams, "id": e.dir.URL + id + "/activity", "type": "Create", "actor": author,
		"to": to, "cc": cc, "object": obj}
}

// send posts activity, signed by acct, to the shared inbox and returns
// the status.
func (e *mentionEnv) send(ctx context.Context, t *testing.T, acct *fedtest.Account, activity map[string]any) int {
	t.Helper()
	body, _ := json.Marshal(activity)
	resp, err := acct.Post(ctx, e.urls.SharedInbox(), body, time.Now(), nil)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// TestMentionsAndDirectMessages: a direct message (Mastodon's shape: to the
// account only), a public mention that answers no Herald post, and a
// followers-only reply to a Herald post are recorded as mentions of the
// account with their visibility; only public replies count on the post.
// An Update edits a mention, a Delete by its author removes it; a post
// that mentions no account, or is not its sender's, is not recorded.
func TestMentionsAndDirectMessages(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	e := newMentionEnv(t)
	news := e.urls.Actor("news")
	alice, err := e.dir.Add("/users/alice", fedtest.StyleMastodon)
	if err != nil {
		t.Fatal(err)
	}
	followers := alice.ID() + "/followers"
	for _, tt := range []struct {
		name, id, inReplyTo string
		to, cc, mentions    []string
		kind, object, vis   string
	}{
		{"direct message", "/n/1", "", []string{news}, []string{}, []string{news}, store.KindMention, news, store.VisibilityDirect},
		{"public mention", "/n/2", "https://elsewhere.example/n/9", []string{actor.PublicAudience}, []string{followers, news}, []string{news},
			store.KindMention, news, store.VisibilityPublic},
		{"followers-only reply", "/n/3", e.post, []string{followers}, []string{news}, nil, store.KindMention, news, store.VisibilityPrivate},
		{"unlisted reply", "/n/4", e.post, []string{followers}, []string{actor.PublicAudience, news}, []string{news}, store.KindReply, e.post,
			store.VisibilityUnlisted},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if status := e.send(ctx, t, alice, e.note(alice.ID(), tt.id, "<p>Vraag</p>", tt.inReplyTo, tt.to, tt.cc, tt.mentions)); status != http.StatusAccepted {
				t.Fatalf("HTTP %d", status)
			}
			i, found, err := e.h.Store().Interaction(e.dir.URL + tt.id)
			if err != nil || !found || i.Kind != tt.kind || i.Object != tt.object || i.Visibility != tt.vis || i.InReplyTo != tt.inReplyTo ||
				i.Content != "<p>Vraag</p>" || i.Actor != alice.ID() || i.URL != e.dir.URL+tt.id+"/page" {
				t.Errorf("recorded %+v (%t, %v); want a %s on %s, %s", i, found, err, tt.kind, tt.object, tt.vis)
			}
		})
	}
	if _, n, _ := e.h.Store().Interactions(e.post, store.KindReply, 0); n != 1 {
		t.Errorf("the post counts %d replies, want the unlisted one only", n)
	}
	editAndDelete(ctx, t, e, alice)
	nothingElse(ctx, t, e, alice)
}

// editAndDelete: an Update of the direct message edits it; a Delete by
// another actor does nothing, by its author removes it.
func editAndDelete(ctx context.Context, t *testing.T, e *mentionEnv, alice *fedtest.Account) {
	t.Helper()
	news := e.urls.Actor("news")
	update := e.note(alice.ID(), "/n/1", "<p>Vraag, aangevuld</p>", "", []string{news}, []string{}, []string{news})
	update["type"], update["id"] = "Update", e.dir.URL+"/n/1/update"
	if status := e.send(ctx, t, alice, update); status != http.StatusAccepted {
		t.Fatalf("Update: HTTP %d", status)
	}
	if i, _, _ := e.h.Store().Interaction(e.dir.URL + "/n/1"); i.Content != "<p>Vraag, aangevuld</p>" || i.Visibility != store.VisibilityDirect {
		t.Errorf("after the Update: %+v", i)
	}
	mallory, _ := e.dir.Add("/users/mallory", fedtest.StyleMastodon)
	del := func(by *fedtest.Account) map[string]any {
		return map[string]any{"@context": actor.ActivityStreams, "id": by.ID() + "#delete", "type": "Delete", "actor": by.ID(),
			"object": map[string]any{"id": e.dir.URL + "/n/1", "type": "Tombstone"}}
	}
	e.send(ctx, t, mallory, del(mallory))
	if _, found, _ := e.h.Store().Interaction(e.dir.URL + "/n/1"); !found {
		t.Fatal("another actor's Delete removed the message")
	}
	e.send(ctx, t, alice, del(alice))
	if _, found, _ := e.h.Store().Interaction(e.dir.URL + "/n/1"); found {
		t.Error("the author's Delete left the message")
	}
}

// nothingElse: a post for no account is ignored; one attributed to
// another actor than its sender is refused.
func nothingElse(ctx context.Context, t *testing.T, e *mentionEnv, alice *fedtest.Account) {
	t.Helper()
	if status := e.send(ctx, t, alice, e.note(alice.ID(), "/n/5", "<p>hi</p>", "", []string{actor.PublicAudience}, nil, nil)); status != http.StatusAccepted {
		t.Errorf("a post for nobody: HTTP %d", status)
	}
	if _, found, _ := e.h.Store().Interaction(e.dir.URL + "/n/5"); found {
		t.Error("a post that mentions no account was recorded")
	}
	news := e.urls.Actor("news")
	forged := e.note("https://elsewhere.example/users/eve", "/n/6", "<p>x</p>", "", []string{news}, nil, []string{news})
	forged["actor"] = alice.ID()
	if status := e.send(ctx, t, alice, forged); status != http.StatusForbidden {
		t.Errorf("a post attributed to another actor: HTTP %d, want 403", status)
	}
}
