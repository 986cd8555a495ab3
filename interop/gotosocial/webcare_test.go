package gotosocial_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"herald/apptest"
)

// webcare is what the webcare steps share: the team's token for Herald's
// client API (signed in with the operator's admin token), the GoToSocial
// user's question as GoToSocial and as Herald show it, and a second
// GoToSocial user.
type webcare struct {
	token     string
	question  status // on GoToSocial
	heraldID  string // the question's id in Herald's client API
	bob       *gts   // another user of the same GoToSocial
	publicURI string // Herald's public answer
}

// heraldNotice is what the steps read of a notification of Herald's client
// API.
type heraldNotice struct {
	Type    string `json:"type"`
	Account struct {
		Acct string `json:"acct"`
	} `json:"account"`
	Status struct {
		ID, URI, Content, Visibility string
	} `json:"status"`
}

// api calls Herald's client API with the team's token: form as the query
// for GET, as the body otherwise; the JSON answer goes into v.
func (w *world) api(t *testing.T, method, path string, form url.Values, v any) {
	t.Helper()
	u, body := w.h.base+path, io.Reader(nil)
	if method == http.MethodGet {
		u += "?" + form.Encode()
	} else {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, u, body)
	req.Header.Set("Authorization", "Bearer "+w.webcare.token)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := w.h.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || json.Unmarshal(raw, v) != nil {
		t.Fatalf("Herald's %s %s: HTTP %d %s", method, path, resp.StatusCode, raw)
	}
}

// questionIsNotification: the team signs in to Herald's account from an
// app (the operator's admin token as password); the GoToSocial user asks
// it a question, mentioning it in a public post that answers nothing, and
// the question is a mention among the account's notifications, by her.
func questionIsNotification(t *testing.T, w *world) {
	app := apptest.RegisterApp(t, w.h.base, "https://webcare.example/callback", "read write")
	w.webcare.token = apptest.SignInToken(t, w.h.base, app, "read write", "", adminToken)
	text := "Wanneer is het nieuwe gemaal open voor bezoekers?"
	if err := w.g.call("POST", "/api/v1/statuses", url.Values{"status": {"@" + w.acct + " " + text}, "visibility": {"public"}}, &w.webcare.question); err != nil {
		t.Fatalf("asking: %v", err)
	}
	gtsHost := strings.TrimPrefix(w.g.base, "http://")
	waitFor(t, 30*time.Second, "the question is a mention in Herald's notifications", func() (bool, string) {
		var notes []heraldNotice
		w.api(t, http.MethodGet, "/api/v1/notifications", url.Values{"types[]": {"mention"}}, &notes)
		for _, n := range notes {
			if n.Status.URI == w.webcare.question.URI {
				w.webcare.heraldID = n.Status.ID
				return n.Account.Acct == gtsUser+"@"+gtsHost && strings.Contains(n.Status.Content, text), fmt.Sprintf("%+v", n)
			}
		}
		return false, fmt.Sprintf("%d mentions", len(notes))
	})
}

// answerIsThreaded: the team answers in public, without naming her; in
// GoToSocial the answer is under the question (in_reply_to_id is the
// question's id) and she is mentioned.
func answerIsThreaded(t *testing.T, w *world) {
	var answer struct{ URI string }
	w.api(t, http.MethodPost, "/api/v1/statuses", url.Values{"status": {"Vanaf zaterdag, op de open dag."},
		"in_reply_to_id": {w.webcare.heraldID}, "visibility": {"public"}}, &answer)
	w.webcare.publicURI = answer.URI
	q := w.webcare.question
	waitFor(t, 30*time.Second, "the answer is threaded under the question in GoToSocial", func() (bool, string) {
		var ctx struct{ Descendants []status }
		if err := w.g.call("GET", "/api/v1/statuses/"+q.ID+"/context", nil, &ctx); err != nil {
			return false, err.Error()
		}
		for _, s := range ctx.Descendants {
			if s.URI == answer.URI {
				return s.InReplyToID != nil && *s.InReplyToID == q.ID && s.Visibility == "public", fmt.Sprintf("%+v", s)
			}
		}
		return false, describe(ctx.Descendants)
	})
}

// directAnswerIsPrivate: the team answers directly; the user gets it as a
// direct mention and can open it; another user of the same server cannot,
// and sees it neither among the account's posts (where the public answer
// is) nor on the public timeline.
func directAnswerIsPrivate(t *testing.T, w *world) {
	var answer struct{ URI string }
	w.api(t, http.MethodPost, "/api/v1/statuses", url.Values{"status": {"@" + gtsUser + "@" + strings.TrimPrefix(w.g.base, "http://") +
		" Wij sturen u de route."}, "in_reply_to_id": {w.webcare.heraldID}, "visibility": {"direct"}}, &answer)
	var seen status
	waitFor(t, 30*time.Second, "the GoToSocial user gets the direct answer", func() (bool, string) {
		var notes []struct{ Status status }
		if err := w.g.call("GET", "/api/v1/notifications", url.Values{"types[]": {"mention"}}, &notes); err != nil {
			return false, err.Error()
		}
		for _, n := range notes {
			if n.Status.URI == answer.URI {
				seen = n.Status
				return n.Status.Visibility == "direct" && n.Status.InReplyToID != nil && *n.Status.InReplyToID == w.webcare.question.ID, fmt.Sprintf("%+v", n.Status)
			}
		}
		return false, fmt.Sprintf("%d mentions", len(notes))
	})
	if err := w.g.call("GET", "/api/v1/statuses/"+seen.ID, nil, &seen); err != nil {
		t.Errorf("the user cannot open the direct answer: %v", err)
	}
	bob := w.secondUser(t)
	var api *apiError
	if err := bob.call("GET", "/api/v1/statuses/"+seen.ID, nil, nil); !errors.As(err, &api) || api.status != 404 {
		t.Errorf("another user opens the direct answer: %v, want 404", err)
	}
	news, err := bob.resolve(w.acct)
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/api/v1/accounts/" + news.ID + "/statuses", "/api/v1/timelines/public"} {
		var list []status
		if err := bob.call("GET", path, url.Values{"limit": {"40"}}, &list); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		public := false
		for _, s := range list {
			if s.URI == answer.URI {
				t.Errorf("another user sees the direct answer on %s", path)
			}
			public = public || s.URI == w.webcare.publicURI
		}
		if strings.Contains(path, "/accounts/") && !public {
			t.Errorf("another user does not see the public answer among the account's posts either: %s", describe(list))
		}
	}
}

// secondUser creates bob on the GoToSocial server (once) and returns a
// client with his token.
func (w *world) secondUser(t *testing.T) *gts {
	t.Helper()
	if w.webcare.bob != nil {
		return w.webcare.bob
	}
	const user, email, password = "bob", "bob@example.org", "Another-Long-Passw0rd!"
	for _, args := range [][]string{
		{"account", "create", "--username", user, "--email", email, "--password", password},
		{"account", "confirm", "--username", user},
	} {
		if err := w.g.admin(args...); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.g.scriptAs(user, email, password, "get_token.sh"); err != nil {
		t.Fatal(err)
	}
	tok, err := os.ReadFile(filepath.Join(w.g.dir, "token.txt"))
	if err != nil {
		t.Fatal(err)
	}
	bob := *w.g
	bob.token = strings.TrimSpace(string(tok))
	w.webcare.bob = &bob
	return &bob
}
