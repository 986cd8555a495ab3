package admin_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"herald/actor"
	"herald/apptest"
	"herald/config"
	"herald/fedtest"
)

// Names of the admin tokens in the conversations tests, as the audit log
// names who answered.
const (
	operatorName  = "ops"
	publisherName = "redactie"
)

// convoHerald is a Herald serving news and weather, with an operator
// token and a publisher token for news, and a citizen on a Mastodon-style
// server who wrote to news: a public reply to one of its posts, an
// unlisted mention, a followers-only reply and a direct message, in that
// order; and a mention to weather.
type convoHerald struct {
	*apptest.Herald
	base string
	peer *fedtest.Peer
	// asked are the object ids of the posts to news, by visibility.
	asked map[string]string
	// feedPost is the post of news the public reply answers.
	feedPost string
	n        int
}

// startConversations starts it; st, if not nil, picks the store.
func startConversations(ctx context.Context, t *testing.T, st func(*config.Config)) *convoHerald {
	t.Helper()
	feed := apptest.NewFeedServer(t, apptest.Fixture(t, "1-published.feed.rss.xml"))
	cfg := apptest.Config(t, config.Feed{Handle: "news", URL: feed.URL}, config.Feed{Handle: "weather", URL: feed.URL + "/none"})
	if st != nil {
		st(cfg)
	}
	cfg.AdminTokens = []config.AdminToken{
		{Token: apptest.OperatorToken, Role: config.RoleOperator, Name: operatorName},
		{Token: apptest.PublisherToken, Role: config.RolePublisher, Actors: []string{"news"}, Name: publisherName},
	}
	h := apptest.Start(t, cfg, nil)
	apptest.Eventually(t, 10*time.Second, "first poll", func() bool { st, _ := h.Store().FeedState("news"); return st.Initialised })
	peer, err := fedtest.NewPeer(fedtest.StyleMastodon)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(peer.Close)
	peer.User.SetProfile("Alice Burger", peer.URL+"/avatars/alice.png")
	urls := actor.URLs{Base: cfg.BaseURL}
	c := &convoHerald{Herald: h, base: cfg.BaseURL, peer: peer, asked: map[string]string{},
		feedPost: urls.Object("news", "http://127.0.0.1:8081/?p=4")}
	news := urls.Actor("news")
	c.asked["public"] = c.write(ctx, t, news, "public", c.feedPost, "<p>Mooi dat de dijken versterkt worden!</p>")
	c.asked["unlisted"] = c.write(ctx, t, news, "unlisted", "", "<p>@news wanneer is de volgende informatieavond?</p>")
	c.asked["private"] = c.write(ctx, t, news, "private", c.feedPost, "<p>Geldt dit ook voor Zeeland?</p>")
	c.asked["direct"] = c.write(ctx, t, news, "direct", "", "<p>@news Is de dijk bij mijn huis veilig?</p>")
	c.write(ctx, t, urls.Actor("weather"), "public", "", "<p>@weather regent het morgen?</p>")
	return c
}

// write has the citizen send the account actorID a post with content, of
// visibility (public, unlisted, private or direct, addressed as Mastodon
// addresses them), answering inReplyTo ("" for none), and returns the
// post's id.
func (c *convoHerald) write(ctx context.Context, t *testing.T, actorID, visibility, inReplyTo, content string) string {
	t.Helper()
	c.n++
	author := c.peer.User.ID()
	id := fmt.Sprintf("%s/statuses/%d", author, c.n)
	to, cc := audience(visibility, actorID, author+"/followers")
	note := map[string]any{"id": id, "type": "Note", "attributedTo": author, "content": content, "to": to, "cc": cc, "url": id + "/page",
		"published": time.Now().UTC().Format(time.RFC3339), "tag": []any{map[string]any{"type": "Mention", "href": actorID, "name": "@news"}}}
	if inReplyTo != "" {
		note["inReplyTo"] = inReplyTo
	}
	body, _ := json.Marshal(map[string]any{"@context": actor.ActivityStreams, "id": id + "/activity", "type": "Create", "actor": author,
		"to": to, "cc": cc, "object": note})
	resp, err := c.peer.User.Post(ctx, actor.URLs{Base: c.base}.SharedInbox(), body, time.Now(), nil)
	if err != nil {
		t.Fatal(err)
	}
	msg, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("POST the %s post: HTTP %d %s", visibility, resp.StatusCode, msg)
	}
	return id
}

// audience is whom Mastodon addresses a post of visibility to that
// mentions actorID.
func audience(visibility, actorID, followers string) (to, cc []string) {
	switch visibility {
	case "public":
		return []string{actor.PublicAudience}, []string{followers, actorID}
	case "unlisted":
		return []string{followers}, []string{actor.PublicAudience, actorID}
	case "private":
		return []string{followers}, []string{actorID}
	}
	return []string{actorID}, nil
}

// signIn signs in to the statistics pages with token and returns the
// browser: a client that keeps the session cookie and does not follow
// redirects.
func signIn(t *testing.T, base, token string) *http.Client {
	t.Helper()
	b := apptest.Browser(t)
	resp, err := b.PostForm(base+"/admin/login", url.Values{"token": {token}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in: HTTP %d", resp.StatusCode)
	}
	return b
}

// olderSession is a browser with the session cookie of the publisher's
// token as Herald set it before cookies had a nonce.
func olderSession(t *testing.T, base string) *http.Client {
	t.Helper()
	b := apptest.Browser(t)
	u, _ := url.Parse(base + "/admin/")
	sum := sha256.Sum256([]byte(apptest.PublisherToken))
	b.Jar.SetCookies(u, []*http.Cookie{{Name: "herald_session", Value: hex.EncodeToString(sum[:]), Path: "/admin/"}})
	return b
}

// open GETs u in browser b and returns the status and the parsed page.
func open(t *testing.T, b *http.Client, u string) (int, *html.Node) {
	t.Helper()
	resp, err := b.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	doc, err := html.Parse(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, doc
}

// send POSTs form to u in browser b with header (nil for none) and
// returns the answer and its body.
func send(t *testing.T, b *http.Client, u string, form url.Values, header http.Header) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := b.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

// parse parses a page.
func parse(t *testing.T, page string) *html.Node {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// text is the text of n and its descendants, spaces squeezed.
func text(n *html.Node) string {
	var b strings.Builder
	for d := range n.Descendants() {
		if d.Type == html.TextNode {
			b.WriteString(d.Data)
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// conversations are the page's conversations (its question articles),
// in page order.
func conversations(doc *html.Node) []*html.Node {
	var out []*html.Node
	for n := range doc.Descendants() {
		if n.Type == html.ElementNode && n.Data == "article" && strings.Contains(attr(n, "class"), "question") {
			out = append(out, n)
		}
	}
	return out
}

// conversationOf returns the conversation of the page whose link to the
// post is objectID's page, or fails the test.
func conversationOf(t *testing.T, doc *html.Node, objectID string) *html.Node {
	t.Helper()
	for _, c := range conversations(doc) {
		for n := range c.Descendants() {
			if n.Type == html.ElementNode && n.Data == "a" && attr(n, "href") == objectID+"/page" {
				return c
			}
		}
	}
	t.Fatalf("no conversation about %s on the page", objectID)
	return nil
}

// formOf returns the fields of the answer form in n as a browser would
// send them: the inputs, the textarea's text and the option selected.
func formOf(n *html.Node) url.Values {
	fields := apptest.FormFields(n)
	for d := range n.Descendants() {
		switch {
		case d.Type == html.ElementNode && d.Data == "textarea":
			fields.Set(attr(d, "name"), text(d))
			if d.FirstChild != nil {
				fields.Set(attr(d, "name"), d.FirstChild.Data)
			}
		case d.Type == html.ElementNode && d.Data == "option" && hasAttr(d, "selected"):
			fields.Set(attr(d.Parent, "name"), attr(d, "value"))
		}
	}
	return fields
}

func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}
