package dashboard

import (
	"html/template"
	"io"
	"time"
)

// Visibilities of posts, as Mastodon names them.
const (
	Public    = "public"
	Unlisted  = "unlisted"
	Followers = "private" // Mastodon's name for followers-only
	Direct    = "direct"
)

// ConversationsPage lists what an account received, newest first, each
// with what Herald answered and a form to answer it.
type ConversationsPage struct {
	Account
	Conversations []Conversation
	// Older and Newer are the addresses of the next pages ("" when there
	// is none that way); Page is this page's query string, which the
	// forms carry so that answering comes back to it.
	Older, Newer, Page string
	// Notice confirms an answer that was sent ("" for none).
	Notice string
	// CSRF is the anti-forgery token every form carries.
	CSRF string
}

// Conversation is one post the account received (a reply, a mention or
// a direct message) with its thread.
type Conversation struct {
	// ID is the post's id, which the form names to answer it.
	ID                                string
	AuthorName, AuthorAcct, AuthorURL string
	// URL is the post's page on its server; Summary its content warning.
	URL, Summary string
	// Content is the post's HTML, sanitised by the caller.
	Content template.HTML
	At      time.Time
	// Visibility is Public, Unlisted, Followers or Direct.
	Visibility string
	// InReplyTo is the account's post it answers (nil for none).
	InReplyTo *OwnPost
	// Answers are the account's answers in its thread, oldest first.
	Answers []OwnPost
	Form    AnswerForm
}

// OwnPost is one of the account's posts.
type OwnPost struct {
	Title, URL, Visibility string
	// Content is the post's HTML as Herald rendered it.
	Content template.HTML
	At      time.Time
}

// AnswerForm is what the answer form of a conversation holds: the text
// and the visibility (first the proposed ones, after a refusal what was
// typed), the idempotency key that makes sending twice post once, and
// why the answer was refused ("" for no refusal).
type AnswerForm struct {
	Text, Visibility, Key, Error string
}

// Private reports whether only the account (and whoever else it names)
// was meant to see the post: a direct message, or followers only.
func (c Conversation) Private() bool { return c.Visibility == Direct || c.Visibility == Followers }

// Heading names the post for its heading: what it is and who wrote it.
func (c Conversation) Heading() string {
	who := c.AuthorName
	if who == "" {
		who = "@" + c.AuthorAcct
	}
	switch {
	case c.Visibility == Direct:
		return "Direct message from " + who
	case c.InReplyTo != nil:
		return "Reply from " + who
	}
	return "Mention by " + who
}

// VisibilityWords says who may see a post with visibility, plainly.
func VisibilityWords(visibility string) string {
	switch visibility {
	case Unlisted:
		return "Unlisted: anyone with the link, not in public timelines"
	case Followers:
		return "Followers only: private"
	case Direct:
		return "Direct message: private, only the people it names"
	}
	return "Public: anyone"
}

// Conversations writes an account's conversations page.
func (p *Pages) Conversations(w io.Writer, page ConversationsPage) error {
	return p.t.ExecuteTemplate(w, "conversations.html", page)
}
