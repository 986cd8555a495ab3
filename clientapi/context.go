package clientapi

import (
	"net/http"
	"slices"

	"herald/actor"
	"herald/oauth"
	"herald/respond"
)

// contextLimit bounds the ancestors and the descendants of a status, as
// Mastodon's CONTEXT_LIMIT does.
const contextLimit = 4096

// thread is what Herald holds of the conversations of one account: the
// posts it wrote in apps and the posts it received, as the reader may see
// them, by object id and by the post they answer.
type thread struct {
	byObject map[string]item
	replies  map[string][]item
}

// thread gathers handle's conversations for the reader of access: posts
// written in apps (direct ones only for the account's own token), and
// received posts (all for the account's own token, else only public and
// unlisted ones).
func (a *API) thread(handle string, access oauth.Access) (*thread, error) {
	t := &thread{byObject: map[string]item{}, replies: map[string][]item{}}
	own := access.Handle == handle
	locals, err := a.o.Store.LocalStatuses(handle)
	if err != nil {
		return nil, err
	}
	var all []item
	for _, st := range locals {
		p, found, err := a.localPost(st)
		if err != nil {
			return nil, err
		}
		if found {
			all = append(all, item{post: &p, handle: handle})
		}
	}
	received, err := a.received(handle)
	if err != nil {
		return nil, err
	}
	for _, i := range received {
		all = append(all, item{received: &i, handle: handle})
	}
	for _, it := range all {
		if own || it.public() {
			t.byObject[it.objectID()] = it
			t.replies[it.inReplyTo()] = append(t.replies[it.inReplyTo()], it)
		}
	}
	for _, list := range t.replies {
		slices.SortFunc(list, func(x, y item) int { return cmpID(x.id(), y.id()) })
	}
	return t, nil
}

func cmpID(x, y uint64) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

// ancestors returns the posts it answers, oldest first: those of the
// thread, and at the top a post of Herald's from elsewhere (a feed post
// answered) when the reader may see it.
func (a *API) ancestors(t *thread, it item, access oauth.Access) ([]item, error) {
	var out []item
	seen := map[string]bool{it.objectID(): true}
	for parent := it.inReplyTo(); parent != "" && !seen[parent] && len(out) < contextLimit; {
		seen[parent] = true
		if p, ok := t.byObject[parent]; ok {
			out = append(out, p)
			parent = p.inReplyTo()
			continue
		}
		p, found, err := a.postByObject(parent)
		if err != nil {
			return nil, err
		}
		if found && a.visible(p.Handle, access) && (p.Note.visibility() != actor.Direct || access.Handle == p.Handle) {
			out = append(out, item{post: &p, handle: p.Handle})
		}
		break
	}
	slices.Reverse(out)
	return out, nil
}

// descendants returns the posts of the thread that answer it, directly or
// not, depth first, each branch by id, as Mastodon orders them.
func (t *thread) descendants(it item) []item {
	var out []item
	seen := map[string]bool{it.objectID(): true}
	var walk func(objectID string)
	walk = func(objectID string) {
		for _, r := range t.replies[objectID] {
			if len(out) == contextLimit || seen[r.objectID()] {
				continue
			}
			seen[r.objectID()] = true
			out = append(out, r)
			walk(r.objectID())
		}
	}
	walk(it.objectID())
	return out
}

// Context is Mastodon's Context entity.
type Context struct {
	Ancestors   []Status `json:"ancestors"`
	Descendants []Status `json:"descendants"`
}

// handleContext answers GET /api/v1/statuses/{id}/context: the posts the
// status answers and those that answer it, among what Herald holds of
// its account's conversations (thread).
func (a *API) handleContext(w http.ResponseWriter, r *http.Request, access oauth.Access) {
	id, ok := parseID(r.PathValue("id"))
	if !ok {
		notFound(w)
		return
	}
	it, found, err := a.lookupStatus(id, access)
	if err != nil || !found {
		if err != nil {
			respond.InternalError(w, a.o.Log, r, err)
		} else {
			notFound(w)
		}
		return
	}
	t, err := a.thread(it.handle, access)
	if err != nil {
		respond.InternalError(w, a.o.Log, r, err)
		return
	}
	up, err := a.ancestors(t, it, access)
	if err != nil {
		respond.InternalError(w, a.o.Log, r, err)
		return
	}
	v, out := a.newView(access), Context{Ancestors: []Status{}, Descendants: []Status{}}
	for _, list := range []struct {
		items []item
		to    *[]Status
	}{{up, &out.Ancestors}, {t.descendants(it), &out.Descendants}} {
		for _, x := range list.items {
			s, err := v.render(x)
			if err != nil {
				respond.InternalError(w, a.o.Log, r, err)
				return
			}
			*list.to = append(*list.to, s)
		}
	}
	writeJSON(w, out)
}
