package dashboard

import (
	"bytes"
	"html/template"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// conversationsPage has a direct message whose answer was refused, and a
// public reply to one of the account's posts that was answered.
var conversationsPage = ConversationsPage{
	Account: Account{Handle: "news", Name: "Ministerie"}, CSRF: "c5rf", Page: "max_id=99", Older: "/admin/actors/news/conversations?max_id=7", Notice: "Your answer was sent.",
	Conversations: []Conversation{
		{ID: "12", AuthorName: "Alice <b>", AuthorAcct: "alice@social.example", AuthorURL: "https://social.example/@alice",
			URL: "https://social.example/@alice/1", Content: template.HTML("<p>Is de dijk veilig?</p>"), At: now, Visibility: Direct,
			Form: AnswerForm{Text: "@alice@social.example <hallo>", Visibility: Direct, Key: "k1", Error: "Not sent: Text character limit of 500 exceeded"}},
		{ID: "7", AuthorAcct: "bob@social.example", AuthorURL: "javascript:alert(1)", Content: template.HTML("<p>Mooi!</p>"), At: now, Visibility: Public,
			InReplyTo: &OwnPost{Title: "Dijken versterkt", URL: "https://news.example/users/news/statuses/1"},
			Answers:   []OwnPost{{Content: template.HTML("<p>Dank u!</p>"), Visibility: Unlisted, URL: "https://news.example/users/news/posts/9", At: now}},
			Form:      AnswerForm{Text: "@bob@social.example ", Visibility: Public, Key: "k2"}},
	},
}

// TestConversationsPage: each conversation says what it is and who sees
// it (a direct message marked private), its thread and a form carrying
// the csrf token, its key and the page; a refusal shows in its form with
// the text kept; what came from elsewhere is escaped.
func TestConversationsPage(t *testing.T) {
	p, err := New()
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := p.Conversations(&out, conversationsPage); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{
		"Direct message from Alice &lt;b&gt;", `<strong class="badge">Private</strong> Direct message: private`, "Reply from @bob@social.example",
		"In reply to <a href=\"https://news.example/users/news/statuses/1\">Dijken versterkt</a>", "Answered already", "<p>Dank u!</p>",
		`name="csrf" value="c5rf"`, `name="key" value="k1"`, `name="page" value="max_id=99"`, `name="to" value="12"`,
		`role="alert" id="q12-error">Not sent: Text character limit of 500 exceeded`, `aria-invalid="true"`,
		">@alice@social.example &lt;hallo&gt;</textarea>", `<option value="direct" selected>`, `href="/admin/actors/news/conversations?max_id=7" rel="next"`,
		`role="status">Your answer was sent.`, `href="#ZgotmplZ"`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(got, "<script") || strings.Contains(got, `rel="prev"`) {
		t.Error("a script, or a link to newer posts on the newest page")
	}
	if _, err := html.Parse(strings.NewReader(got)); err != nil {
		t.Fatal(err)
	}
}
