package clientapi

import (
	"net/http"
	"slices"

	"herald/oauth"
	"herald/respond"
)

// Remote accounts are the accounts of other servers that apps meet in
// Herald's answers: the authors of notifications and of the posts
// received, the followers, the accounts the team's posts mention. Their
// ids are hashes of their actor ids (remoteAccountID), so an id is found
// again among the actors Herald knows for the accounts the reader may
// see, the token's account first. Herald fetches no other remote
// accounts: an id it does not know answers 404, as Mastodon's for an id
// it has no record of.

// readerHandles are the accounts whose remote actors and received posts
// the holder of access may see: the token's account first, then every
// published one.
func (a *API) readerHandles(access oauth.Access) []string {
	var out []string
	if access.Handle != "" {
		out = append(out, access.Handle)
	}
	for _, h := range a.o.Accounts.Handles() {
		if h != access.Handle && a.visible(h, access) {
			out = append(out, h)
		}
	}
	return out
}

// knownActors returns the remote actors Herald knows for handle: who
// liked, boosted, answered or mentioned it, its followers, and those its
// posts written in apps mention.
func (a *API) knownActors(handle string) ([]string, error) {
	interactions, followers, err := a.reached(handle)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, i := range interactions {
		out = append(out, i.Actor)
	}
	for _, f := range followers {
		out = append(out, f.ID)
	}
	locals, err := a.o.Store.LocalStatuses(handle)
	if err != nil {
		return nil, err
	}
	for _, st := range locals {
		p, found, err := a.localPost(st)
		if err != nil {
			return nil, err
		}
		for _, t := range p.Note.Tag {
			if found && t.Type == "Mention" {
				out = append(out, t.Href)
			}
		}
	}
	return out, nil
}

// remoteActorOf returns the remote actor whose account id is id, among
// those known to the accounts the holder of access may see.
func (a *API) remoteActorOf(id string, access oauth.Access) (string, bool, error) {
	for _, h := range a.readerHandles(access) {
		actors, err := a.knownActors(h)
		if err != nil {
			return "", false, err
		}
		for _, actorID := range actors {
			if remoteAccountID(actorID) == id {
				if _, local := a.handleOfObject(actorID); !local {
					return actorID, true, nil
				}
			}
		}
	}
	return "", false, nil
}

// writeRemoteAccount answers GET /api/v1/accounts/{id} for a remote
// account: as Herald last fetched its actor.
func (a *API) writeRemoteAccount(w http.ResponseWriter, r *http.Request, access oauth.Access) {
	actorID, found, err := a.remoteActorOf(r.PathValue("id"), access)
	if !a.looked(w, r, found, err) {
		return
	}
	acc, err := a.newView(access).remoteAccount(actorID)
	if err != nil {
		respond.InternalError(w, a.o.Log, r, err)
		return
	}
	writeJSON(w, acc)
}

// receivedFrom returns the posts of the remote actor actorID that Herald
// received and the holder of access may see, newest first: those for the
// token's account, and the public and unlisted ones for the others (as
// Mastodon shows an account's posts: the public ones, and those that
// mention the reader).
func (a *API) receivedFrom(actorID string, access oauth.Access) ([]item, error) {
	var out []item
	seen := map[string]bool{}
	for _, h := range a.readerHandles(access) {
		list, err := a.received(h)
		if err != nil {
			return nil, err
		}
		for i := range list {
			it := item{received: &list[i], handle: h}
			if list[i].Actor == actorID && !seen[list[i].ID] && (h == access.Handle || it.public()) {
				seen[list[i].ID] = true
				out = append(out, it)
			}
		}
	}
	slices.SortFunc(out, func(x, y item) int { return cmpID(y.id(), x.id()) })
	return out, nil
}

// writeRemoteStatuses answers GET /api/v1/accounts/{id}/statuses for a
// remote account: the posts of it that Herald received (receivedFrom),
// paged as an account's posts. Herald keeps neither their pins, images
// nor hashtags, so pinned, only_media and tagged give none.
func (a *API) writeRemoteStatuses(w http.ResponseWriter, r *http.Request, access oauth.Access) {
	actorID, found, err := a.remoteActorOf(r.PathValue("id"), access)
	if !a.looked(w, r, found, err) {
		return
	}
	q := r.URL.Query()
	all, err := a.receivedFrom(actorID, access)
	if err != nil {
		respond.InternalError(w, a.o.Log, r, err)
		return
	}
	if truthy(q.Get("pinned")) || truthy(q.Get("only_media")) || q.Get("tagged") != "" {
		all = nil
	}
	if truthy(q.Get("exclude_replies")) {
		all = slices.DeleteFunc(all, func(it item) bool { return it.inReplyTo() != "" })
	}
	p := readPageQuery(q, defaultLimit, maxLimit)
	shown := pageItems(all, p)
	v := a.newView(access)
	out := []Status{}
	for _, it := range shown {
		s, err := v.render(it)
		if err != nil {
			respond.InternalError(w, a.o.Log, r, err)
			return
		}
		out = append(out, s)
	}
	if len(shown) > 0 {
		w.Header().Set("Link", a.pageLinks(r, shown[0].id(), shown[len(shown)-1].id(), len(shown) == p.limit))
	}
	writeJSON(w, out)
}

// pageItems cuts the page p out of all (newest first): below max_id,
// above since_id (the newest such) or min_id (the oldest such).
func pageItems(all []item, p pageQuery) []item {
	kept := slices.DeleteFunc(slices.Clone(all), func(it item) bool { return !p.admits(it.id()) })
	if p.minID != 0 {
		kept = kept[max(len(kept)-p.limit, 0):]
	}
	return kept[:min(len(kept), p.limit)]
}
