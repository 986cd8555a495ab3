package clientapi

import (
	"net/http"

	"herald/oauth"
	"herald/respond"
)

// handleConversations answers GET /api/v1/conversations: the signed-in
// account's conversations of direct posts (conversations), the one with
// the newest post first, paged by the id of that post as Mastodon's
// (max_id, since_id, min_id, limit 20 and at most 40, a Link header).
func (a *API) handleConversations(w http.ResponseWriter, r *http.Request, access oauth.Access) {
	p := readPageQuery(r.URL.Query(), defaultLimit, maxLimit)
	all, err := a.conversations(access.Handle, access)
	if err != nil {
		respond.InternalError(w, a.o.Log, r, err)
		return
	}
	var page []conversation
	for _, c := range all {
		if p.admits(c.last.id()) {
			page = append(page, c)
		}
	}
	if p.minID != 0 { // the page right above min_id
		page = page[max(len(page)-p.limit, 0):]
	}
	page = page[:min(len(page), p.limit)]
	v := a.newView(access)
	out := make([]Conversation, 0, len(page))
	for _, c := range page {
		e, err := a.conversationEntity(v, c, access)
		if err != nil {
			respond.InternalError(w, a.o.Log, r, err)
			return
		}
		out = append(out, e)
	}
	if len(page) > 0 {
		w.Header().Set("Link", a.pageLinks(r, page[0].last.id(), page[len(page)-1].last.id(), len(page) == p.limit))
	}
	writeJSON(w, out)
}

// findConversation returns the signed-in account's conversation named by
// the path's id; when there is none (or it is hidden), it has answered.
func (a *API) findConversation(w http.ResponseWriter, r *http.Request, access oauth.Access) (conversation, bool) {
	id, ok := parseID(r.PathValue("id"))
	if !ok {
		notFound(w)
		return conversation{}, false
	}
	all, err := a.conversations(access.Handle, access)
	if err != nil {
		respond.InternalError(w, a.o.Log, r, err)
		return conversation{}, false
	}
	for _, c := range all {
		if c.id == id {
			return c, true
		}
	}
	notFound(w)
	return conversation{}, false
}

// handleReadConversation answers POST /api/v1/conversations/{id}/read:
// the conversation is read through its newest post, for every app signed
// in to the account; the answer is the Conversation.
func (a *API) handleReadConversation(w http.ResponseWriter, r *http.Request, access oauth.Access) {
	c, ok := a.findConversation(w, r, access)
	if !ok {
		return
	}
	if err := a.o.Store.MarkConversation(access.Handle, c.id, c.last.id(), 0); err != nil {
		respond.InternalError(w, a.o.Log, r, err)
		return
	}
	c.mark.Read = max(c.mark.Read, c.last.id())
	e, err := a.conversationEntity(a.newView(access), c, access)
	if err != nil {
		respond.InternalError(w, a.o.Log, r, err)
		return
	}
	writeJSON(w, e)
}

// handleHideConversation answers DELETE /api/v1/conversations/{id}: the
// conversation is hidden from the account's list until a newer post
// comes, as Mastodon removes it; its posts stay. The answer is {}.
func (a *API) handleHideConversation(w http.ResponseWriter, r *http.Request, access oauth.Access) {
	c, ok := a.findConversation(w, r, access)
	if !ok {
		return
	}
	if err := a.o.Store.MarkConversation(access.Handle, c.id, 0, c.last.id()); err != nil {
		respond.InternalError(w, a.o.Log, r, err)
		return
	}
	writeJSON(w, struct{}{})
}
