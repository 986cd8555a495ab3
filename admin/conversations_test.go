package admin_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"herald/apptest"
	"herald/config"
	"herald/fedtest"
	"herald/store"
)

// TestConversations: the conversations page of an account lists what it
// received, newest first, paged, each saying who sees it and proposing an
// answer as private as the question; publishers see their own accounts
// only; forms without the session's csrf token, or from another site,
// are refused and change nothing; a refused answer shows in its form
// with the text kept; an answer goes out as the client API's do, once
// even when the form is sent twice, and shows in the thread.
// Both stores run it.
func TestConversations(t *testing.T) { apptest.OnBothStores(t, conversationsScenario) }

func conversationsScenario(t *testing.T, st func(*config.Config)) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	c := startConversations(ctx, t, st)
	publisher := signIn(t, c.base, apptest.PublisherToken)
	t.Run("listing", func(t *testing.T) { checkListing(t, c, publisher) })
	t.Run("paging", func(t *testing.T) { checkPaging(t, c, publisher) })
	t.Run("publishers see their own", func(t *testing.T) { checkIsolation(t, c, publisher) })
	t.Run("csrf", func(t *testing.T) { checkCSRF(t, c, publisher) })
	t.Run("refusals", func(t *testing.T) { checkRefusals(t, c, publisher) })
	t.Run("answer once", func(t *testing.T) { checkAnswer(ctx, t, c, publisher) })
}

// visibilityCases are, per visibility of a question, the words its
// conversation shows and the visibility its form proposes.
var visibilityCases = []struct {
	visibility, words, proposed string
	private                     bool
}{
	{visibility: "public", words: "Public: anyone", proposed: "public"},
	{visibility: "unlisted", words: "Unlisted: anyone with the link", proposed: "unlisted"},
	{visibility: "private", words: "Private Followers only: private", proposed: "direct", private: true},
	{visibility: "direct", words: "Private Direct message: private", proposed: "direct", private: true},
}

func newsPage(c *convoHerald) string { return c.base + "/admin/actors/news/conversations" }

func checkListing(t *testing.T, c *convoHerald, b *http.Client) {
	status, doc := open(t, b, newsPage(c))
	list := conversations(doc)
	if status != http.StatusOK || len(list) != 4 {
		t.Fatalf("HTTP %d with %d conversations, want 4 (news's own)", status, len(list))
	}
	for i := 1; i < len(list); i++ {
		if id := idOf(t, list[i]); id >= idOf(t, list[i-1]) {
			t.Errorf("conversation %d (%d) is not older than the one before", i, id)
		}
	}
	for _, tc := range visibilityCases {
		n := conversationOf(t, doc, c.asked[tc.visibility])
		words, form := text(n), formOf(n)
		if !strings.Contains(words, tc.words) || strings.Contains(attr(n, "class"), "private") != tc.private {
			t.Errorf("%s: the conversation says %q", tc.visibility, words)
		}
		if form.Get("visibility") != tc.proposed || form.Get("status") != "@alice@"+c.peer.Host()+" " || form.Get("csrf") == "" || form.Get("key") == "" {
			t.Errorf("%s: the form proposes %v", tc.visibility, form)
		}
		if !strings.Contains(words, "Alice Burger @alice@"+c.peer.Host()) {
			t.Errorf("%s: no author in %q", tc.visibility, words)
		}
	}
	if words := text(conversationOf(t, doc, c.asked["public"])); !strings.Contains(words, "Reply from Alice Burger") || !strings.Contains(words, "In reply to") {
		t.Errorf("the reply to a post of news: %q", words)
	}
	if words := text(conversationOf(t, doc, c.asked["direct"])); !strings.Contains(words, "Direct message from Alice Burger") {
		t.Errorf("the direct message: %q", words)
	}
	_, account := open(t, b, c.base+"/admin/actors/news")
	if !strings.Contains(text(account), "Conversations: answer replies") {
		t.Error("the account page does not link to its conversations")
	}
}

// idOf is the id of a conversation's post, from its article's id.
func idOf(t *testing.T, n *html.Node) uint64 {
	t.Helper()
	id, err := strconv.ParseUint(strings.TrimPrefix(attr(n, "id"), "q"), 10, 64)
	if err != nil {
		t.Fatalf("article id %q", attr(n, "id"))
	}
	return id
}

func checkPaging(t *testing.T, c *convoHerald, b *http.Client) {
	_, first := open(t, b, newsPage(c)+"?limit=3")
	older := link(first, "next")
	if len(conversations(first)) != 3 || older == "" || link(first, "prev") != "" {
		t.Fatalf("first page: %d conversations, older %q, newer %q", len(conversations(first)), older, link(first, "prev"))
	}
	_, second := open(t, b, c.base+older)
	list := conversations(second)
	if len(list) != 1 || attr(list[0], "id") == "" || link(second, "next") != "" || link(second, "prev") == "" {
		t.Fatalf("second page: %d conversations, older %q, newer %q", len(list), link(second, "next"), link(second, "prev"))
	}
	if idOf(t, list[0]) >= idOf(t, conversations(first)[2]) {
		t.Error("the second page does not continue the first")
	}
	_, back := open(t, b, c.base+link(second, "prev"))
	if got := conversations(back); len(got) != 3 || idOf(t, got[0]) != idOf(t, conversations(first)[0]) {
		t.Errorf("newer than the second page: %d conversations", len(got))
	}
}

// link is the href of the page's link with rel ("" for none).
func link(doc *html.Node, rel string) string {
	for n := range doc.Descendants() {
		if n.Data == "a" && attr(n, "rel") == rel {
			return attr(n, "href")
		}
	}
	return ""
}

func checkIsolation(t *testing.T, c *convoHerald, publisher *http.Client) {
	operator := signIn(t, c.base, apptest.OperatorToken)
	_, own := open(t, publisher, newsPage(c))
	form := formOf(conversations(own)[0])
	for _, tc := range []struct {
		name    string
		b       *http.Client
		path    string
		want    int
		convers int
	}{
		{name: "publisher on another's account", b: publisher, path: "/admin/actors/weather/conversations", want: 404},
		{name: "publisher on another's account page", b: publisher, path: "/admin/actors/weather", want: 404},
		{name: "unknown account", b: operator, path: "/admin/actors/nobody/conversations", want: 404},
		{name: "operator on any account", b: operator, path: "/admin/actors/weather/conversations", want: 200, convers: 1},
	} {
		if status, doc := open(t, tc.b, c.base+tc.path); status != tc.want || len(conversations(doc)) != tc.convers {
			t.Errorf("%s: HTTP %d with %d conversations, want %d with %d", tc.name, status, len(conversations(doc)), tc.want, tc.convers)
		}
	}
	form.Set("status", "Hallo")
	if resp, _ := send(t, publisher, c.base+"/admin/actors/weather/conversations", form, nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("a publisher's answer as another's account: HTTP %d, want 404", resp.StatusCode)
	}
	if status, doc := open(t, apptest.Browser(t), newsPage(c)); status != 200 || len(conversations(doc)) != 0 || !strings.Contains(text(doc), "Sign in") {
		t.Errorf("signed out: HTTP %d, want the sign-in form", status)
	}
	if status, doc := open(t, olderSession(t, c.base), newsPage(c)); status != 200 || len(conversations(doc)) != 4 {
		t.Errorf("a session cookie from before the nonce: HTTP %d with %d conversations, want 200 with 4", status, len(conversations(doc)))
	}
	wantNothingPosted(t, c)
}

// wantNothingPosted fails the test if news posted anything.
func wantNothingPosted(t *testing.T, c *convoHerald) {
	t.Helper()
	if posts, err := c.Store().LocalStatuses("news"); err != nil || len(posts) != 0 {
		t.Errorf("news posted %d posts (%v), want none", len(posts), err)
	}
}

// csrfCase is an answer form that must be refused: what is changed in a
// genuine form, and the headers sent with it.
type csrfCase struct {
	name   string
	change func(url.Values)
	header http.Header
}

// csrfCases are the forms refused; other is the csrf token of another
// session (another sign-in with the same token).
func csrfCases(other string) []csrfCase {
	return []csrfCase{
		{name: "no token", change: func(f url.Values) { f.Del("csrf") }},
		{name: "a wrong token", change: func(f url.Values) { f.Set("csrf", strings.Repeat("ab", 32)) }},
		{name: "another session's token", change: func(f url.Values) { f.Set("csrf", other) }},
		{name: "from another site (Sec-Fetch-Site)", change: func(url.Values) {}, header: http.Header{"Sec-Fetch-Site": {"cross-site"}}},
		{name: "from another origin (Origin)", change: func(url.Values) {}, header: http.Header{"Origin": {"https://evil.example"}}},
	}
}

func checkCSRF(t *testing.T, c *convoHerald, b *http.Client) {
	_, doc := open(t, b, newsPage(c))
	genuine := formOf(conversationOf(t, doc, c.asked["direct"]))
	genuine.Set("status", "Dit mag niet verstuurd worden.")
	_, otherPage := open(t, signIn(t, c.base, apptest.PublisherToken), newsPage(c))
	other := formOf(conversationOf(t, otherPage, c.asked["direct"])).Get("csrf")
	if other == "" || other == genuine.Get("csrf") {
		t.Fatalf("another sign-in has the csrf token %q, this one %q", other, genuine.Get("csrf"))
	}
	for _, tc := range csrfCases(other) {
		form := url.Values{}
		for k, v := range genuine {
			form[k] = append([]string(nil), v...)
		}
		tc.change(form)
		if resp, body := send(t, b, newsPage(c), form, tc.header); resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s: HTTP %d %s, want 403", tc.name, resp.StatusCode, body)
		}
	}
	if resp, _ := send(t, apptest.Browser(t), newsPage(c), genuine, nil); resp.StatusCode != http.StatusForbidden {
		t.Errorf("signed out: HTTP %d, want 403", resp.StatusCode)
	}
	wantNothingPosted(t, c)
	if entries, err := c.Store().Audit(time.Time{}, 10); err != nil || len(entries) != 0 {
		t.Errorf("audit log %+v (%v), want it empty", entries, err)
	}
}

func checkRefusals(t *testing.T, c *convoHerald, b *http.Client) {
	_, doc := open(t, b, newsPage(c))
	form := formOf(conversationOf(t, doc, c.asked["unlisted"]))
	long := "@alice@" + c.peer.Host() + " " + strings.Repeat("lang ", 100)
	for _, tc := range []struct{ text, want string }{
		{text: "   ", want: "Not sent: Text can't be blank"},
		{text: long, want: "Not sent: Text character limit of 500 exceeded"},
	} {
		form.Set("status", tc.text)
		form.Set("visibility", "public")
		resp, body := send(t, b, newsPage(c), form, nil)
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("%q: HTTP %d, want 422", tc.want, resp.StatusCode)
		}
		page := parse(t, body)
		n := conversationOf(t, page, c.asked["unlisted"])
		kept := formOf(n)
		if !strings.Contains(text(n), tc.want) || kept.Get("status") != tc.text || kept.Get("visibility") != "public" || kept.Get("key") != form.Get("key") {
			t.Errorf("%q: the form shows %q and keeps %v", tc.want, text(n), kept)
		}
	}
	wantNothingPosted(t, c)
}

// checkAnswer answers the direct message directly, sends the same form
// again (a reload), and checks that one answer went out: to the asker's
// server, signed, in the audit log, and shown in the thread.
func checkAnswer(ctx context.Context, t *testing.T, c *convoHerald, b *http.Client) {
	_, doc := open(t, b, newsPage(c)+"?limit=3")
	form := formOf(conversationOf(t, doc, c.asked["direct"]))
	form.Set("status", form.Get("status")+"Ja, de dijk is veilig. Wij bellen u morgen.")
	var back string
	for i := range 2 {
		resp, body := send(t, b, newsPage(c), form, nil)
		back = resp.Header.Get("Location")
		if resp.StatusCode != http.StatusSeeOther || !strings.Contains(back, "answered=") || !strings.Contains(back, "limit=3") {
			t.Fatalf("sending %d: HTTP %d, Location %q: %s", i+1, resp.StatusCode, back, body)
		}
	}
	posts, err := c.Store().LocalStatuses("news")
	if err != nil || len(posts) != 1 || posts[0].Visibility != "direct" || posts[0].InReplyTo != c.asked["direct"] {
		t.Fatalf("news posted %+v (%v), want one direct answer", posts, err)
	}
	d, err := c.peer.WaitFor(ctx, func(d fedtest.Delivery) bool { return d.Type() == "Create" && d.Object()["id"] == posts[0].ObjectID })
	if err != nil || d.Problem != "" || d.Hidden != "" || d.Object()["inReplyTo"] != c.asked["direct"] {
		t.Fatalf("the asker's server got %+v (%v)", d, err)
	}
	if to := d.Activity["to"].([]any); len(to) != 1 || to[0] != c.peer.User.ID() {
		t.Errorf("the direct answer is addressed to %v", to)
	}
	entries, err := c.Store().Audit(time.Time{}, 10)
	if err != nil || len(entries) != 1 {
		t.Fatalf("audit log %+v (%v), want one reply", entries, err)
	}
	e := entries[0]
	if e.Action != store.AuditReply || e.Who.Name != publisherName || e.Who.Kind != store.PrincipalAdminToken || e.App != "statistics pages" ||
		e.ClientID != "" || e.Account != "news" || e.Object != posts[0].ObjectID || e.InReplyTo != c.asked["direct"] || e.Visibility != "direct" {
		t.Errorf("audit entry %+v", e)
	}
	_, unanswered := open(t, b, newsPage(c)+"?answered="+strings.TrimPrefix(attr(conversationOf(t, doc, c.asked["unlisted"]), "id"), "q"))
	if strings.Contains(text(unanswered), "was sent") {
		t.Error("a link claims an answer that was not sent")
	}
	_, page := open(t, b, c.base+back)
	words := text(conversationOf(t, page, c.asked["direct"]))
	if !strings.Contains(text(page), "Your answer to @alice@"+c.peer.Host()+" was sent") ||
		!strings.Contains(words, "Answered already") || !strings.Contains(words, "Wij bellen u morgen.") {
		t.Errorf("after answering, the page says %q", text(page))
	}
}
