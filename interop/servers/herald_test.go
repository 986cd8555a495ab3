package servers_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"herald/actor"
	"herald/apptest"
	"herald/config"
	"herald/fedtest"
)

// env is a running Herald serving the site's feed as the account news.
type env struct {
	ctx  context.Context
	h    *apptest.Herald
	site *site
	urls actor.URLs
	next atomic.Int64 // the next item guid
}

// newEnv starts Herald on a fresh site, with authorized fetch as asked,
// and waits for its first poll. The test gets 45 s in all.
func newEnv(t *testing.T, authorizedFetch bool) *env {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
	t.Cleanup(cancel)
	s := newSite(t)
	cfg := apptest.Config(t, config.Feed{Handle: "news", URL: s.URL + "/feed/", RemovalCheckInterval: config.Duration(time.Second)})
	cfg.AuthorizedFetch = authorizedFetch
	h := apptest.Start(t, cfg, nil)
	apptest.Eventually(t, 10*time.Second, "first poll", func() bool {
		st, _ := h.Store().FeedState("news")
		return st.Initialised
	})
	e := &env{ctx: ctx, h: h, site: s, urls: actor.URLs{Base: cfg.BaseURL}}
	e.next.Store(100)
	return e
}

// peer starts a server in style, closed at the test's end.
func (e *env) peer(t *testing.T, style fedtest.Style) *fedtest.Peer {
	t.Helper()
	p, err := fedtest.NewPeer(style)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return p
}

// follow has p's user follow news, expects 202, and returns Herald's
// Accept once p has it, shown (see shown).
func (e *env) follow(t *testing.T, p *fedtest.Peer) (followID string, accept fedtest.Delivery) {
	t.Helper()
	status, id, err := p.Follow(e.ctx, e.urls.Actor("news"), e.urls.Inbox("news"))
	if err != nil {
		t.Fatal(err)
	}
	if status != http.StatusAccepted {
		t.Fatalf("%s's Follow: HTTP %d, want 202", p.Style.Name, status)
	}
	accept = e.await(t, p, "Accept", id)
	shown(t, p, accept)
	return id, accept
}

// publish puts a new item on the site and returns its post's id.
func (e *env) publish(it item) string {
	it.guid = strings.TrimSpace(it.guid)
	if it.guid == "" {
		it.guid = strconv.FormatInt(e.next.Add(1), 10)
	}
	e.site.put(it)
	return e.urls.Object("news", e.site.guidURL(it.guid))
}

// guidOf is the guid of the item behind post id.
func (e *env) guidOf(id string) string {
	e.site.mu.Lock()
	defer e.site.mu.Unlock()
	for g := range e.site.items {
		if e.urls.Object("news", e.site.guidURL(g)) == id {
			return g
		}
	}
	return ""
}

// edit changes the title of the item behind post id.
func (e *env) edit(id, title string) {
	e.site.change(e.guidOf(id), func(it *item) { it.title = title })
}

// withdraw takes the item behind post id off the site.
func (e *env) withdraw(id string) {
	e.site.change(e.guidOf(id), func(it *item) { it.gone = true })
}

// await waits until p gets an activity of type typ about objectID (the id
// of its object, embedded or not) and returns the first such one.
func (e *env) await(t *testing.T, p *fedtest.Peer, typ, objectID string) fedtest.Delivery {
	t.Helper()
	d, err := p.WaitFor(e.ctx, func(d fedtest.Delivery) bool { return d.Type() == typ && objectOf(d) == objectID })
	if err != nil {
		t.Fatalf("waiting for a %s of %s: %v", typ, objectID, err)
	}
	return d
}

// objectOf is the id of d's object.
func objectOf(d fedtest.Delivery) string {
	if o := d.Object(); o != nil {
		id, _ := o["id"].(string)
		return id
	}
	id, _ := d.Activity["object"].(string)
	return id
}

// shown fails the test unless p verified d under its server's rules,
// answered it with a success and would show it to its users.
func shown(t *testing.T, p *fedtest.Peer, d fedtest.Delivery) {
	t.Helper()
	switch {
	case !d.Verified:
		t.Fatalf("%s refused Herald's %s: %s", p.Style.Name, d.Type(), d.Problem)
	case d.Status < 200 || d.Status > 299:
		t.Fatalf("%s answered Herald's %s with HTTP %d", p.Style.Name, d.Type(), d.Status)
	case d.Hidden != "":
		t.Fatalf("%s would not show Herald's %s: %s", p.Style.Name, d.Type(), d.Hidden)
	}
}

// count is the number of p's deliveries of type typ about objectID.
func count(p *fedtest.Peer, typ, objectID string) int {
	n := 0
	for _, d := range p.Deliveries() {
		if d.Type() == typ && objectOf(d) == objectID {
			n++
		}
	}
	return n
}

// fetch has p GET target, signed in its style, and fails the test unless
// it gets 200.
func (e *env) fetch(t *testing.T, p *fedtest.Peer, target string) map[string]any {
	t.Helper()
	status, doc, err := p.Fetch(e.ctx, target)
	if err != nil || status != http.StatusOK {
		t.Fatalf("%s's signed GET of %s: HTTP %d, %v", p.Style.Name, target, status, err)
	}
	return doc
}

// signedBy reports whether a's actor was fetched with a signature by
// Herald's instance actor that a's server verified.
func (e *env) signedBy(a *fedtest.Account) bool {
	for _, f := range a.Fetches() {
		if f.Verified && f.KeyID == e.urls.InstanceKeyID() {
			return true
		}
	}
	return false
}
