package bench

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestReplicasFeedEdits: a feed added, renamed and removed through the
// admin API of one replica or the other holds on both within seconds
// (the edits are in the database: package feededits).
func TestReplicasFeedEdits(t *testing.T) {
	fleet := newFleet(t, 1, nil)
	defer fleet.Close()
	rs := newReplicaSet(t, fleet, replicaOptions{n: 2, lease: 10 * time.Second, pollInterval: time.Second})
	rs.start()
	one, two := rs.nodes[0], rs.nodes[1]
	roads := newFeed(t)
	host := strings.TrimPrefix(rs.lb.URL, "http://")

	rs.adminCall(one, "POST", "/admin/api/feeds", `{"handle":"roads","url":"`+roads.URL+`"}`)
	waitFor(t, "the other replica serves the new account", func() bool {
		return webFingerStatus(two, "roads", host) == http.StatusOK
	})
	rs.adminCall(two, "PATCH", "/admin/api/actors/roads", `{"name":"Wegen en verkeer"}`)
	waitFor(t, "the first replica shows the new name", func() bool { return actorName(one, "roads") == "Wegen en verkeer" })
	rs.adminCall(one, "DELETE", "/admin/api/actors/roads", "")
	waitFor(t, "the other replica no longer serves the account", func() bool {
		return webFingerStatus(two, "roads", host) == http.StatusNotFound
	})
	if got := webFingerStatus(two, "news", host); got != http.StatusOK {
		t.Errorf("WebFinger of news on the other replica: %d, want 200", got)
	}
	for _, in := range rs.nodes {
		in.stop()
	}
}

// adminCall sends an admin API request to in and expects 202 Accepted.
func (rs *replicaSet) adminCall(in *instance, method, path, body string) {
	rs.t.Helper()
	req, err := http.NewRequest(method, in.base+path, strings.NewReader(body))
	if err != nil {
		rs.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+adminToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		rs.t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		msg, _ := io.ReadAll(resp.Body)
		rs.t.Fatalf("%s %s: %d %s\n%s", method, path, resp.StatusCode, msg, rs.logs())
	}
}

func webFingerStatus(in *instance, handle, host string) int {
	resp, err := http.Get(in.base + "/.well-known/webfinger?resource=" + url.QueryEscape("acct:"+handle+"@"+host))
	if err != nil {
		return 0 // restarting for the reload
	}
	resp.Body.Close()
	return resp.StatusCode
}

func actorName(in *instance, handle string) string {
	req, _ := http.NewRequest("GET", in.base+"/users/"+handle, nil)
	req.Header.Set("Accept", "application/activity+json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return ""
	}
	defer resp.Body.Close()
	var doc struct {
		Name string `json:"name"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&doc)
	return doc.Name
}

// waitFor waits (bounded, generously) until ok holds.
func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); !ok(); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("waited a minute: %s", what)
		}
	}
}
