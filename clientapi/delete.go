package clientapi

import (
	"cmp"
	"fmt"
	"net/http"

	"herald/oauth"
	"herald/respond"
	"herald/store"
)

// handleDeleteStatus answers DELETE /api/v1/statuses/{id}: a post the
// signed-in account wrote in an app is withdrawn as a withdrawn feed post
// is (store DeleteStatus: tombstoned, out of the outbox, a Delete queued
// to everyone its Create went to), with an entry in the audit log. The
// answer is the deleted Status with its source text, as Mastodon's, for
// redrafting. Another account's post, and a post from a feed, give 403;
// an unknown id 404.
func (a *API) handleDeleteStatus(w http.ResponseWriter, r *http.Request, access oauth.Access) {
	id, ok := parseID(r.PathValue("id"))
	if !ok {
		notFound(w)
		return
	}
	st, found, err := a.o.Store.LocalStatus(id)
	if err != nil {
		respond.InternalError(w, a.o.Log, r, err)
		return
	}
	if !found || st.Handle != access.Handle {
		a.refuseDelete(w, r, id, access)
		return
	}
	s, err := a.withdraw(st, access)
	if err != nil {
		respond.InternalError(w, a.o.Log, r, err)
		return
	}
	a.o.Deliveries.Notify()
	a.audit(access, store.AuditDelete, st)
	a.o.Log.Info("post deleted from an app", "account", access.Handle, "object", st.ObjectID, "who", access.Who.Name)
	s.Text = &st.Text
	writeJSON(w, s)
}

// refuseDelete answers a DELETE of a post the account may not delete: 403
// for a post it can see (another account's, or one from a feed, which
// its website withdraws), 404 for one it cannot.
func (a *API) refuseDelete(w http.ResponseWriter, r *http.Request, id uint64, access oauth.Access) {
	it, found, err := a.lookupStatus(id, access)
	if err != nil {
		respond.InternalError(w, a.o.Log, r, err)
		return
	}
	if !found || it.post == nil {
		notFound(w)
		return
	}
	respond.Error(w, http.StatusForbidden, "This action is not allowed")
}

// withdraw renders st as a Status, then deletes it: its Tombstone, and
// its Delete addressed as its Note was.
func (a *API) withdraw(st store.LocalStatus, access oauth.Access) (Status, error) {
	p, found, err := a.localPost(st)
	if err != nil || !found {
		return Status{}, cmp.Or(err, fmt.Errorf("post %d has no note", st.ID))
	}
	s, err := a.newView(access).status(p)
	if err != nil {
		return Status{}, err
	}
	now := a.o.Now()
	tomb, err := a.o.Render.Tombstone(st.ObjectID, "Note", now)
	if err != nil {
		return Status{}, err
	}
	delID, del, err := a.o.Render.StatusDelete(st.Handle, st.ObjectID, p.Note.To, p.Note.CC, now)
	if err != nil {
		return Status{}, err
	}
	if len(st.Relays) > 0 { // its Delete goes to the relays its Create went to
		if del, err = a.ldSign(st.Handle, del); err != nil {
			return Status{}, err
		}
	}
	_, _, err = a.o.Store.DeleteStatus(st.ID, store.Document{ID: st.ObjectID, JSON: tomb}, store.Document{ID: delID, JSON: del}, now)
	return s, err
}
