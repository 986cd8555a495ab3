package clientapi

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"herald/oauth"
	"herald/respond"
	"herald/store"
)

// Page sizes of an account's posts: Mastodon's default and its maximum
// (twice the default).
const (
	defaultLimit = 20
	maxLimit     = 40
	// chunk is how many outbox entries one read takes while gathering a
	// page (Updates sit among the Creates).
	chunk = 64
)

// pageQuery is a page of posts as Mastodon's paging parameters ask: ids
// below max_id, above since_id (the newest such) or above min_id (the
// oldest such), at most limit; 0 is no bound.
type pageQuery struct {
	maxID, sinceID, minID uint64
	limit                 int
}

// readPageQuery reads the paging parameters; limit is def when not
// given, at most most.
func readPageQuery(q url.Values, def, most int) pageQuery {
	p := pageQuery{limit: def}
	p.maxID, _ = parseID(q.Get("max_id"))
	p.sinceID, _ = parseID(q.Get("since_id"))
	p.minID, _ = parseID(q.Get("min_id"))
	if n, err := strconv.Atoi(q.Get("limit")); err == nil && n != 0 {
		p.limit = min(max(n, -n), most)
	}
	return p
}

// admits reports whether id is within the page's bounds.
func (p pageQuery) admits(id uint64) bool {
	return (p.maxID == 0 || id < p.maxID) && id > p.sinceID && id > p.minID
}

// bounds are the outbox times the page lies strictly between.
func (p pageQuery) bounds() (after, before time.Time) {
	if p.maxID != 0 {
		before = idMillisecond(p.maxID).Add(time.Millisecond)
	}
	if low := max(p.sinceID, p.minID); low != 0 {
		after = idMillisecond(low).Add(-time.Nanosecond)
	}
	return after, before
}

// posts returns handle's posts in the page p that keep admits, newest
// first. With min_id it reads from that id upwards (the page right after
// it), else from the newest (or max_id) downwards.
func (a *API) posts(handle string, p pageQuery, keep func(post) bool) ([]post, error) {
	oldestFirst := p.minID != 0
	after, before := p.bounds()
	var out []post
	for len(out) < p.limit {
		entries, err := a.o.Store.OutboxBetween(handle, after, before, oldestFirst, chunk)
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			if oldestFirst {
				after = e.At
			} else {
				before = e.At
			}
			post, ok, err := a.postOf(handle, e)
			if err != nil {
				return nil, err
			}
			if ok && p.admits(post.ID) && keep(post) {
				if out = append(out, post); len(out) == p.limit {
					break
				}
			}
		}
		if len(entries) < chunk {
			break
		}
	}
	if oldestFirst {
		slices.Reverse(out)
	}
	return out, nil
}

// handleAccountStatuses answers GET /api/v1/accounts/{id}/statuses: the
// account's posts, newest first, paged with max_id, since_id, min_id and
// limit and a Link header (rel="next" for older, rel="prev" for newer) as
// Mastodon pages; only_media keeps posts with images, tagged those with
// a hashtag, exclude_replies those that answer nothing, pinned=true
// gives the pinned posts. Herald's accounts boost nothing, so
// exclude_reblogs changes nothing. Direct posts are listed only to the
// account's own token, as Mastodon shows an account its own. A remote
// account's are the posts Herald received from it (remote_accounts.go).
func (a *API) handleAccountStatuses(w http.ResponseWriter, r *http.Request, access oauth.Access) {
	handle, ok := a.handleOf(r.PathValue("id"))
	if !ok {
		a.writeRemoteStatuses(w, r, access)
		return
	}
	if !a.visible(handle, access) {
		notFound(w)
		return
	}
	q := r.URL.Query()
	if q.Get("pinned") == "true" || q.Get("pinned") == "1" {
		a.writePinned(w, r, handle, access)
		return
	}
	p := readPageQuery(q, defaultLimit, maxLimit)
	onlyMedia, noReplies, tagged := truthy(q.Get("only_media")), truthy(q.Get("exclude_replies")), strings.ToLower(strings.TrimPrefix(q.Get("tagged"), "#"))
	keep := func(p post) bool {
		return (!onlyMedia || len(p.Note.Attachment) > 0) && (tagged == "" || hasTag(p.Note, tagged)) && (!noReplies || p.Note.InReplyTo == "")
	}
	found, err := a.posts(handle, p, keep)
	if err == nil && access.Handle == handle {
		found, err = a.withDirect(handle, found, p, keep)
	}
	if err != nil {
		respond.InternalError(w, a.o.Log, r, err)
		return
	}
	statuses, err := a.statuses(found, access)
	if err != nil {
		respond.InternalError(w, a.o.Log, r, err)
		return
	}
	if len(found) > 0 {
		w.Header().Set("Link", a.pageLinks(r, found[0].ID, found[len(found)-1].ID, len(found) == p.limit))
	}
	writeJSON(w, statuses)
}

func hasTag(n note, tag string) bool {
	for _, t := range n.Tag {
		if t.Type == "Hashtag" && strings.EqualFold(strings.TrimPrefix(t.Name, "#"), tag) {
			return true
		}
	}
	return false
}

// pageLinks is the Link header of a page whose newest entry is first and
// oldest last: next (older, when the page is full) with max_id, prev
// (newer) with min_id, keeping the request's other parameters, as
// Mastodon's set_pagination_headers.
func (a *API) pageLinks(r *http.Request, first, last uint64, full bool) string {
	link := func(param string, id uint64, rel string) string {
		q := r.URL.Query()
		for _, k := range []string{"max_id", "since_id", "min_id", "access_token"} {
			q.Del(k)
		}
		q.Set(param, strconv.FormatUint(id, 10))
		return fmt.Sprintf(`<%s%s?%s>; rel="%s"`, a.o.Config.BaseURL, r.URL.Path, q.Encode(), rel)
	}
	var links []string
	if full {
		links = append(links, link("max_id", last, "next"))
	}
	links = append(links, link("min_id", first, "prev"))
	return strings.Join(links, ", ")
}

// statuses renders found, all by one account, for the reader of access.
func (a *API) statuses(found []post, access oauth.Access) ([]Status, error) {
	out := []Status{}
	if len(found) == 0 {
		return out, nil
	}
	pinned, err := a.pinnedObjects(found[0].Handle)
	if err != nil {
		return nil, err
	}
	v := a.newView(access)
	for _, p := range found {
		s, err := v.status(p)
		if err != nil {
			return nil, err
		}
		if access.Handle == p.Handle {
			isPinned := pinned[p.Note.ID]
			s.Pinned = &isPinned
		}
		out = append(out, s)
	}
	return out, nil
}

// handleStatus answers GET /api/v1/statuses/{id}: a post of Herald's, or
// a post received for the token's account (lookupStatus).
func (a *API) handleStatus(w http.ResponseWriter, r *http.Request, access oauth.Access) {
	id, ok := parseID(r.PathValue("id"))
	if !ok {
		notFound(w)
		return
	}
	it, found, err := a.lookupStatus(id, access)
	if !a.looked(w, r, found, err) {
		return
	}
	s, err := a.newView(access).render(it)
	if err != nil {
		respond.InternalError(w, a.o.Log, r, err)
		return
	}
	if it.post != nil && access.Handle == it.handle {
		pinned, err := a.pinnedObjects(it.handle)
		if err != nil {
			respond.InternalError(w, a.o.Log, r, err)
			return
		}
		isPinned := pinned[it.objectID()]
		s.Pinned = &isPinned
	}
	writeJSON(w, s)
}

// withDirect merges into found, a page p of handle's outbox, the direct
// posts written in apps that p and keep admit, and cuts the page again.
func (a *API) withDirect(handle string, found []post, p pageQuery, keep func(post) bool) ([]post, error) {
	locals, err := a.o.Store.LocalStatuses(handle)
	if err != nil {
		return nil, err
	}
	for _, st := range locals {
		if st.Visibility != store.VisibilityDirect || !p.admits(st.ID) {
			continue
		}
		lp, ok, err := a.localPost(st)
		if err != nil {
			return nil, err
		}
		if ok && keep(lp) {
			found = append(found, lp)
		}
	}
	slices.SortFunc(found, func(x, y post) int { return cmpID(y.ID, x.ID) })
	if p.minID != 0 { // the page right above min_id
		found = found[max(len(found)-p.limit, 0):]
	}
	return found[:min(len(found), p.limit)], nil
}
