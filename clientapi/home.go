package clientapi

import (
	"net/http"
	"slices"

	"herald/oauth"
	"herald/respond"
)

// handleHome answers GET /api/v1/timelines/home: the signed-in account's
// own posts (from its feed and written in apps, direct ones among them)
// and what it was sent (replies to it, mentions, direct messages),
// newest first, paged with max_id, since_id, min_id and limit (20, at
// most 40) and a Link header, as Mastodon's home timeline.
func (a *API) handleHome(w http.ResponseWriter, r *http.Request, access oauth.Access) {
	p := readPageQuery(r.URL.Query(), defaultLimit, maxLimit)
	page, err := a.home(access.Handle, p)
	if err != nil {
		respond.InternalError(w, a.o.Log, r, err)
		return
	}
	v := a.newView(access)
	out := make([]Status, 0, len(page))
	for _, it := range page {
		s, err := v.render(it)
		if err != nil {
			respond.InternalError(w, a.o.Log, r, err)
			return
		}
		out = append(out, s)
	}
	if len(page) > 0 {
		w.Header().Set("Link", a.pageLinks(r, page[0].id(), page[len(page)-1].id(), len(page) == p.limit))
	}
	writeJSON(w, out)
}

// home returns the page p of handle's home timeline, newest first: the
// page of each source (the outbox, the direct posts written in apps, the
// posts received), merged.
func (a *API) home(handle string, p pageQuery) ([]item, error) {
	every := func(post) bool { return true }
	posts, err := a.posts(handle, p, every)
	if err != nil {
		return nil, err
	}
	if posts, err = a.withDirect(handle, posts, p, every); err != nil {
		return nil, err
	}
	var all []item
	for i := range posts {
		all = append(all, item{post: &posts[i], handle: handle})
	}
	received, err := a.received(handle)
	if err != nil {
		return nil, err
	}
	for i := range received {
		if p.admits(receivedStatusID(received[i])) {
			all = append(all, item{received: &received[i], handle: handle})
		}
	}
	slices.SortFunc(all, func(x, y item) int { return cmpID(y.id(), x.id()) })
	if p.minID != 0 { // the page right above min_id
		all = all[max(len(all)-p.limit, 0):]
	}
	return all[:min(len(all), p.limit)], nil
}
