package clientapi

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"time"

	"herald/oauth"
	"herald/store"
)

// The statistics pages (package admin) show an account's team what the
// account received and let them answer it there. They read and publish
// through Questions and Answer, so that what they show is what the apps
// see and an answer written there goes out exactly as one written in an
// app: the same checks, composition, queue and audit log.

// ViaStatisticsPages names the statistics pages as the app an answer was
// written in, in the audit log (such entries have no client id).
const ViaStatisticsPages = "statistics pages"

// QuestionQuery asks for a page of an account's questions: those older
// than Before, else those just newer than After (0: no bound), at most
// Limit.
type QuestionQuery struct {
	Before, After uint64
	Limit         int
}

// QuestionPage is a page of questions, newest first; Older and Newer
// report whether there are questions beyond it either way.
type QuestionPage struct {
	Questions    []Question
	Older, Newer bool
}

// Question is a post an account received: a reply to one of its posts, a
// post that mentions it, or a direct message.
type Question struct {
	// ID is its status id in the client API (newer posts have larger
	// ids); Answer takes it.
	ID uint64
	// Post is the post as the inbox recorded it: its content was
	// sanitised then.
	Post store.Interaction
	// AuthorName, AuthorAcct (user@host) and AuthorURL (the profile page)
	// are its author as Herald last fetched them.
	AuthorName, AuthorAcct, AuthorURL string
	// InReplyTo is the account's post it answers (nil when it answers
	// none, or another's).
	InReplyTo *OwnPost
	// Answers are the account's posts that answer it, directly or
	// further down its thread, oldest first.
	Answers []OwnPost
}

// OwnPost is one of the account's posts: its object id, its content as
// Herald rendered it (HTML), its visibility (public, unlisted or
// direct) and when it was made.
type OwnPost struct {
	ObjectID, Content, Visibility string
	At                            time.Time
}

// Questions returns the page q of what handle received, newest first,
// with the thread of each: the post of the account it answers and the
// account's answers.
func (a *API) Questions(handle string, q QuestionQuery) (QuestionPage, error) {
	access := oauth.Access{Handle: handle}
	t, err := a.thread(handle, access)
	if err != nil {
		return QuestionPage{}, err
	}
	var all []item
	for _, it := range t.byObject {
		if it.received != nil {
			all = append(all, it)
		}
	}
	slices.SortFunc(all, func(x, y item) int { return cmpID(y.id(), x.id()) })
	var lo, hi int
	if q.After != 0 {
		hi = slices.IndexFunc(all, func(it item) bool { return it.id() <= q.After })
		if hi < 0 {
			hi = len(all)
		}
		lo = max(hi-q.Limit, 0)
	} else {
		if q.Before != 0 {
			if lo = slices.IndexFunc(all, func(it item) bool { return it.id() < q.Before }); lo < 0 {
				lo = len(all)
			}
		}
		hi = min(lo+q.Limit, len(all))
	}
	page := QuestionPage{Older: hi < len(all), Newer: lo > 0}
	v := a.newView(access)
	for _, it := range all[lo:hi] {
		question, err := a.question(t, v, it)
		if err != nil {
			return QuestionPage{}, err
		}
		page.Questions = append(page.Questions, question)
	}
	return page, nil
}

// question is the received item it of the thread t as a Question.
func (a *API) question(t *thread, v *view, it item) (Question, error) {
	acc, err := v.remoteAccount(it.received.Actor)
	if err != nil {
		return Question{}, err
	}
	q := Question{ID: it.id(), Post: *it.received, AuthorName: acc.DisplayName, AuthorAcct: acc.Acct, AuthorURL: acc.URL}
	for _, d := range t.descendants(it) {
		if d.post != nil {
			q.Answers = append(q.Answers, ownPost(*d.post))
		}
	}
	parent := it.inReplyTo()
	if p, held := t.byObject[parent]; held && p.post != nil {
		own := ownPost(*p.post)
		q.InReplyTo = &own
		return q, nil
	}
	if handle, ours := a.handleOfObject(parent); ours && handle == it.handle {
		p, found, err := a.postByObject(parent)
		if err != nil {
			return Question{}, err
		}
		if found {
			own := ownPost(p)
			q.InReplyTo = &own
		}
	}
	return q, nil
}

func ownPost(p post) OwnPost {
	return OwnPost{ObjectID: p.Note.ID, Content: p.Note.Content, Visibility: p.Note.visibility(), At: p.At}
}

// Answer is an answer to a post an account received, written on the
// statistics pages.
type Answer struct {
	// Handle is the account that answers; Who wrote the answer.
	Handle string
	Who    store.Principal
	// To is the status id of the post answered (Question.ID).
	To uint64
	// Text and Visibility are POST /api/v1/statuses's status and
	// visibility ("" for public).
	Text, Visibility string
	// IdempotencyKey, when not "", makes a repeated answer within an hour
	// give the first one back, as the Idempotency-Key header does.
	IdempotencyKey string
}

// Answered is what came of an Answer.
type Answered struct {
	// Post is the answer made, or, when Repeated, the one made before
	// with the same idempotency key (nothing was posted again).
	Post     store.LocalStatus
	Repeated bool
	// Refused is why nothing was posted, in the words the API answers
	// with ("" when it was posted); Status is the API's HTTP status for
	// it (422 for an invalid answer, 404 when the post answered is not
	// one the account may see).
	Refused string
	Status  int
}

// Answer posts ans as its account, in reply to the post ans.To, exactly
// as POST /api/v1/statuses with in_reply_to_id does (readDraft, postNow):
// the same checks, composition, delivery and audit log entry, whose app
// is ViaStatisticsPages.
func (a *API) Answer(ctx context.Context, ans Answer) (Answered, error) {
	access := oauth.Access{Handle: ans.Handle, Who: ans.Who}
	if !a.o.Accounts.Known(ans.Handle) {
		return Answered{Refused: "Record not found", Status: 404}, nil
	}
	params := url.Values{"status": {ans.Text}, "visibility": {ans.Visibility}, "in_reply_to_id": {formatID(ans.To)}}
	key := strings.TrimSpace(ans.IdempotencyKey)
	if key != "" {
		key = "statistics-pages:" + key // apart from the keys apps send
	}
	d, refused, err := a.readDraft(key, params, access)
	if err != nil || refused != nil {
		return refusedAnswer(refused), err
	}
	d.via = ViaStatisticsPages
	st, fresh, refused, err := a.postNow(ctx, d, access)
	if err != nil || refused != nil {
		return refusedAnswer(refused), err
	}
	return Answered{Post: st, Repeated: !fresh}, nil
}

func refusedAnswer(r *refusal) Answered {
	if r == nil {
		return Answered{}
	}
	return Answered{Refused: r.msg, Status: r.status}
}
