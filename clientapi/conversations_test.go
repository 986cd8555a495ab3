package clientapi_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"herald/actor"
	"herald/apptest"
	"herald/config"
)

// conversationJSON is what the tests read of a Conversation.
type conversationJSON struct {
	ID       string `json:"id"`
	Unread   bool   `json:"unread"`
	Accounts []struct {
		Acct string `json:"acct"`
	} `json:"accounts"`
	LastStatus posted `json:"last_status"`
}

// TestConversations: a citizen's direct question is an unread
// conversation with her; the direct answer joins it and leaves it read; a
// second question is a second conversation, first in the list, which can
// be marked read; a hidden conversation leaves the list until a newer
// post comes. Public posts are in none. Both stores run it.
func TestConversations(t *testing.T) { apptest.OnBothStores(t, conversations) }

func conversations(t *testing.T, st func(*config.Config)) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	a := startAPI(t, st)
	asker := newCitizen(t)
	news := actor.URLs{Base: a.base}.Actor("news")
	dm, question := asker.question(news, "Vraag een")
	asker.send(ctx, t, a.base, dm)
	a.post(t, url.Values{"status": {"Openbaar bericht"}})
	list := a.conversationList(t, 1)
	if c := list[0]; !c.Unread || len(c.Accounts) != 1 || c.Accounts[0].Acct != asker.acct() || c.LastStatus.URI != question {
		t.Errorf("conversation %+v, want the unread question from %s", c, asker.acct())
	}
	first := list[0].ID
	answer := a.post(t, url.Values{"status": {"Antwoord"}, "in_reply_to_id": {list[0].LastStatus.ID}, "visibility": {"direct"}})
	list = a.conversationList(t, 1)
	if c := list[0]; c.ID != first || c.Unread || c.LastStatus.ID != answer.ID || len(c.Accounts) != 1 {
		t.Errorf("after the answer %+v, want the same conversation, read, the answer last", c)
	}
	dm2, question2 := asker.question(news, "Vraag twee")
	asker.send(ctx, t, a.base, dm2)
	list = a.conversationList(t, 2)
	if list[0].LastStatus.URI != question2 || !list[0].Unread || list[1].ID != first {
		t.Errorf("conversations %+v, want the second question first, unread", list)
	}
	var read conversationJSON
	if code := a.send(t, http.MethodPost, "/api/v1/conversations/"+list[0].ID+"/read", a.token, nil, nil, &read); code != 200 || read.Unread {
		t.Errorf("read: HTTP %d %+v", code, read)
	}
	var empty map[string]any
	if code := a.send(t, http.MethodDelete, "/api/v1/conversations/"+first, a.token, nil, nil, &empty); code != 200 {
		t.Errorf("DELETE: HTTP %d", code)
	}
	list = a.conversationList(t, 1)
	if list[0].Unread || list[0].LastStatus.URI != question2 {
		t.Errorf("after hiding the first: %+v", list)
	}
	if code := a.send(t, http.MethodDelete, "/api/v1/conversations/"+first, a.token, nil, nil, &empty); code != 404 {
		t.Errorf("DELETE a hidden one: HTTP %d, want 404", code)
	}
	thanks, _ := asker.post("<p>@news dank</p>", answer.URI, []string{news}, nil, []string{news})
	asker.send(ctx, t, a.base, thanks)
	if list = a.conversationList(t, 2); list[0].ID != first || !list[0].Unread {
		t.Errorf("after a newer post in the hidden one: %+v, want it back first, unread", list)
	}
}

// conversationList GETs the conversations and wants n.
func (a *apiHerald) conversationList(t *testing.T, n int) []conversationJSON {
	t.Helper()
	var list []conversationJSON
	if resp := a.get(t, "/api/v1/conversations", a.token, &list); resp.StatusCode != 200 || len(list) != n {
		t.Fatalf("GET /api/v1/conversations: HTTP %d, %d conversations %+v; want %d", resp.StatusCode, len(list), list, n)
	}
	return list
}
