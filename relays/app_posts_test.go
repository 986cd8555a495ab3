package relays_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"herald/apptest"
	"herald/fedtest"
	"herald/store"
)

// TestAppPostsRelayed: a public post written in a Mastodon app goes to
// the account's relays as a feed post does, and so does its deletion; an
// unlisted one does not. Through a Mastodon-style relay a Mastodon
// subscriber gets the Create, LD-signed, and shows it; a LitePub relay
// gets the relay actor's Announce of it.
func TestAppPostsRelayed(t *testing.T) {
	for name, software := range map[string]fedtest.RelaySoftware{"activity-relay": fedtest.ActivityRelay, "litepub": fedtest.LitePubRelay} {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			x := startRelayed(t, fedtest.RelayOptions{Software: software}, fedtest.StyleMastodon)
			x.waitState(t, store.RelayAccepted)
			if err := x.relay.AddSubscriber(ctx, x.subscriber); err != nil {
				t.Fatal(err)
			}
			token := signIn(t, x)
			quiet := x.postStatus(t, token, "Alleen wie ons volgt of zoekt.", "unlisted")
			public := x.postStatus(t, token, "Storm: blijf binnen.", "public")
			if software == fedtest.LitePubRelay {
				at, err := x.relay.WaitFor(ctx, func(d fedtest.Delivery) bool { return d.Type() == "Announce" })
				if err != nil || !at.Verified || at.Activity["actor"] != x.urls.RelayActor() || at.Activity["object"] != public.uri {
					t.Fatalf("Announce at the relay: %+v (%v)", at.Activity, err)
				}
			} else if d := x.relayedTo(ctx, t, "Create", public.uri); d.Hidden != "" {
				t.Fatalf("Mastodon would not show the relayed Create: %s", d.Hidden)
			}
			x.deleteStatus(t, token, public.id)
			if _, err := x.relay.WaitFor(ctx, func(d fedtest.Delivery) bool {
				return d.Type() == "Delete" && d.Object()["id"] == public.uri && d.Verified
			}); err != nil {
				t.Fatalf("the relay got no Delete of the post: %v", err)
			}
			for _, d := range x.relay.Received() {
				if strings.Contains(string(d.Body), quiet.uri) {
					t.Errorf("the unlisted post reached the relay: %s", d.Type())
				}
			}
		})
	}
}

// signIn issues a user for news and signs an app in as it.
func signIn(t *testing.T, x *relayed) string {
	password := apptest.AddWebcareUser(t, x.h, "alice", "news")
	app := apptest.RegisterApp(t, x.urls.Base, "https://app.example/callback", "read write")
	return apptest.SignInToken(t, x.urls.Base, app, "read write", "alice", password)
}

// appStatus is a post written through the client API.
type appStatus struct{ id, uri string }

func (x *relayed) postStatus(t *testing.T, token, text, visibility string) appStatus {
	t.Helper()
	req, _ := http.NewRequest("POST", x.urls.Base+"/api/v1/statuses", strings.NewReader(url.Values{"status": {text}, "visibility": {visibility}}.Encode()))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	v := doJSON(t, req)
	return appStatus{id: v["id"].(string), uri: v["uri"].(string)}
}

func (x *relayed) deleteStatus(t *testing.T, token, id string) {
	t.Helper()
	req, _ := http.NewRequest("DELETE", x.urls.Base+"/api/v1/statuses/"+id, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	doJSON(t, req)
}

// doJSON sends req and returns its JSON answer, which must be 200.
func doJSON(t *testing.T, req *http.Request) map[string]any {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var v map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("%s %s: HTTP %d %v (%v)", req.Method, req.URL.Path, resp.StatusCode, v, err)
	}
	return v
}
