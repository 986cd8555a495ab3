package admin

import (
	"cmp"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"herald/clientapi"
	"herald/config"
	"herald/dashboard"
	"herald/respond"
	"herald/store"
)

// Answerer lists what an account received and answers it as the client
// API does (clientapi.API does): an answer written on the statistics
// pages goes out exactly as one written in a Mastodon app.
type Answerer interface {
	Questions(handle string, q clientapi.QuestionQuery) (clientapi.QuestionPage, error)
	Answer(ctx context.Context, ans clientapi.Answer) (clientapi.Answered, error)
}

// Sizes of a page of conversations: by default, and at most (?limit=).
const (
	conversationsLimit    = 20
	maxConversationsLimit = 40
)

// conversationsPath is the address of handle's conversations page.
func conversationsPath(handle string) string { return "/admin/actors/" + handle + "/conversations" }

// readQuestionQuery reads a conversations page's paging parameters
// (max_id: older than; min_id: just newer than; limit), as the client
// API's, and returns them and the query string that names the page
// (only those parameters, so that it is safe to carry in a form).
func readQuestionQuery(q url.Values) (clientapi.QuestionQuery, string) {
	out := clientapi.QuestionQuery{Limit: conversationsLimit}
	page := url.Values{}
	if n, err := strconv.Atoi(q.Get("limit")); err == nil && n > 0 {
		out.Limit = min(n, maxConversationsLimit)
		page.Set("limit", strconv.Itoa(out.Limit))
	}
	if id, err := strconv.ParseUint(q.Get("max_id"), 10, 64); err == nil {
		out.Before = id
		page.Set("max_id", q.Get("max_id"))
	} else if id, err := strconv.ParseUint(q.Get("min_id"), 10, 64); err == nil {
		out.After = id
		page.Set("min_id", q.Get("min_id"))
	}
	return out, page.Encode()
}

// handleConversations answers GET /admin/actors/{handle}/conversations:
// the newest replies, mentions and direct messages to the account, each
// with its thread and an answer form; after an answer, ?answered= names
// the post answered, for the confirmation.
func (a *Admin) handleConversations(w http.ResponseWriter, r *http.Request, tok config.AdminToken) {
	handle, ok := a.pageHandle(w, r, tok)
	if !ok {
		return
	}
	q, pageQuery := readQuestionQuery(r.URL.Query())
	page, err := a.conversationsPage(r, tok, handle, q, pageQuery)
	if err != nil {
		respond.InternalError(w, a.o.Log, r, err)
		return
	}
	// The confirmation shows only where the thread holds an answer, so
	// that a link with ?answered= cannot claim one that was not sent.
	for _, c := range page.Conversations {
		if answered := r.URL.Query().Get("answered"); c.ID == answered && len(c.Answers) > 0 {
			page.Notice = "Your answer to @" + c.AuthorAcct + " was sent: it shows below their post."
		}
	}
	a.renderPage(w, r, func() error { return a.o.Pages.Conversations(w, page) })
}

// conversationsPage gathers the page q of handle's conversations.
func (a *Admin) conversationsPage(r *http.Request, tok config.AdminToken, handle string, q clientapi.QuestionQuery, pageQuery string) (dashboard.ConversationsPage, error) {
	var feed config.Feed
	for _, f := range a.o.Config.Feeds {
		if f.Handle == handle {
			feed = f
		}
	}
	account, err := a.dashboardAccount(feed)
	if err != nil {
		return dashboard.ConversationsPage{}, err
	}
	found, err := a.o.Answerer.Questions(handle, q)
	if err != nil {
		return dashboard.ConversationsPage{}, err
	}
	page := dashboard.ConversationsPage{Account: account, Page: pageQuery, CSRF: csrfToken(r, tok)}
	for _, question := range found.Questions {
		page.Conversations = append(page.Conversations, conversation(question))
	}
	if n := len(found.Questions); n > 0 {
		limit := ""
		if q.Limit != conversationsLimit {
			limit = "&limit=" + strconv.Itoa(q.Limit)
		}
		if found.Older {
			page.Older = conversationsPath(handle) + "?max_id=" + strconv.FormatUint(found.Questions[n-1].ID, 10) + limit
		}
		if found.Newer {
			page.Newer = conversationsPath(handle) + "?min_id=" + strconv.FormatUint(found.Questions[0].ID, 10) + limit
		}
	}
	return page, nil
}

// conversation is the question as the page shows it, with an answer form
// that proposes to mention its author and to answer as privately as it
// was asked: a direct message or a followers-only post gets a direct
// answer (Herald posts nothing to followers only), a public or unlisted
// one an answer of the same visibility.
func conversation(q clientapi.Question) dashboard.Conversation {
	p := q.Post
	c := dashboard.Conversation{ID: strconv.FormatUint(q.ID, 10), AuthorName: q.AuthorName, AuthorAcct: q.AuthorAcct, AuthorURL: q.AuthorURL,
		URL: cmp.Or(p.URL, p.ID), Summary: p.Summary, At: cmp.Or(p.Published, p.Received), Visibility: cmp.Or(p.Visibility, store.VisibilityPublic),
		// The content was sanitised when the inbox stored the post.
		Content: template.HTML(p.Content)}
	if q.InReplyTo != nil {
		own := ownPost(*q.InReplyTo)
		c.InReplyTo = &own
	}
	for _, answer := range q.Answers {
		c.Answers = append(c.Answers, ownPost(answer))
	}
	c.Form = dashboard.AnswerForm{Text: "@" + q.AuthorAcct + " ", Visibility: c.Visibility, Key: newFormKey()}
	if c.Private() {
		c.Form.Visibility = dashboard.Direct
	}
	return c
}

// ownPost is one of the account's posts as the page shows it. Herald
// rendered its content; a direct one has no address a browser may open.
func ownPost(p clientapi.OwnPost) dashboard.OwnPost {
	own := dashboard.OwnPost{Title: dashboard.PostTitle(p.Content), Visibility: p.Visibility, Content: template.HTML(p.Content), At: p.At}
	if p.Visibility != dashboard.Direct {
		own.URL = p.ObjectID
	}
	return own
}

// newFormKey returns 128 random bits in hex: an answer form's
// idempotency key, a session's nonce.
func newFormKey() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand never fails
	return hex.EncodeToString(b)
}

// handleAnswer answers POST /admin/actors/{handle}/conversations (through
// form: signed in, with the session's csrf token): the answer is posted
// by the Answerer as the client API posts it, written by the admin token
// (by its name). Then the browser is sent back to the page it answered
// from, with a confirmation (303); a refused answer (empty, too long)
// shows the page again with the refusal in the form and the text kept
// (422). The form's idempotency key makes a repeated submission (a
// reload, a double click) post once.
func (a *Admin) handleAnswer(w http.ResponseWriter, r *http.Request, tok config.AdminToken) {
	handle, ok := a.pageHandle(w, r, tok)
	if !ok {
		return
	}
	to, err := strconv.ParseUint(r.PostForm.Get("to"), 10, 64)
	if err != nil {
		http.Error(w, "The form names no post to answer.", http.StatusBadRequest)
		return
	}
	sum := sha256.Sum256([]byte(tok.Token))
	ans := clientapi.Answer{Handle: handle, Who: store.Principal{Kind: store.PrincipalAdminToken, Name: tok.Name, AdminToken: hex.EncodeToString(sum[:])},
		To: to, Text: r.PostForm.Get("status"), Visibility: r.PostForm.Get("visibility"), IdempotencyKey: r.PostForm.Get("key")}
	res, err := a.o.Answerer.Answer(r.Context(), ans)
	if err != nil {
		respond.InternalError(w, a.o.Log, r, err)
		return
	}
	q, pageQuery := readQuestionQuery(parseQuery(r.PostForm.Get("page")))
	switch {
	case res.Status == http.StatusNotFound:
		http.Error(w, "That post is not one this account received.", http.StatusNotFound)
	case res.Refused != "":
		a.refusedAnswer(w, r, tok, ans, res.Refused, q, pageQuery)
	default:
		back := url.Values{"answered": {strconv.FormatUint(to, 10)}}
		if pageQuery != "" {
			back = parseQuery(pageQuery)
			back.Set("answered", strconv.FormatUint(to, 10))
		}
		http.Redirect(w, r, conversationsPath(handle)+"?"+back.Encode()+"#q"+strconv.FormatUint(to, 10), http.StatusSeeOther)
	}
}

func parseQuery(s string) url.Values {
	v, _ := url.ParseQuery(s)
	return v
}

// refusedAnswer shows the page q again (422) with why ans was refused in
// its form, keeping what was typed and chosen and the form's idempotency
// key (nothing was posted with it). When the post answered is no longer
// on that page, the page starting at it is shown.
func (a *Admin) refusedAnswer(w http.ResponseWriter, r *http.Request, tok config.AdminToken, ans clientapi.Answer, why string,
	q clientapi.QuestionQuery, pageQuery string) {
	id := strconv.FormatUint(ans.To, 10)
	page, err := a.conversationsPage(r, tok, ans.Handle, q, pageQuery)
	if err == nil && !hasConversation(page, id) {
		q, pageQuery = readQuestionQuery(url.Values{"max_id": {strconv.FormatUint(ans.To+1, 10)}})
		page, err = a.conversationsPage(r, tok, ans.Handle, q, pageQuery)
	}
	if err != nil {
		respond.InternalError(w, a.o.Log, r, err)
		return
	}
	for i := range page.Conversations {
		if c := &page.Conversations[i]; c.ID == id {
			c.Form = dashboard.AnswerForm{Text: ans.Text, Visibility: ans.Visibility, Key: ans.IdempotencyKey,
				Error: "Not sent: " + strings.TrimPrefix(why, "Validation failed: ")}
		}
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusUnprocessableEntity)
	a.renderPage(w, r, func() error { return a.o.Pages.Conversations(w, page) })
}

func hasConversation(page dashboard.ConversationsPage, id string) bool {
	for _, c := range page.Conversations {
		if c.ID == id {
			return true
		}
	}
	return false
}
