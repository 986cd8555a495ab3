package bridge

import (
	"net/http"
	"strings"

	"herald/actor"
)

// handleWebFinger answers GET /.well-known/webfinger?resource=acct:HANDLE@HOST
// (RFC 7033) with the JRD linking to the actor. The actor URL is accepted as
// resource too; handles are case-insensitive. With account_domain set,
// acct:HANDLE@ACCOUNT_DOMAIN and acct:HANDLE@HOST both answer, with the
// former as subject: that is the handle peers show.
func (b *Bridge) handleWebFinger(w http.ResponseWriter, r *http.Request) {
	resource := r.URL.Query().Get("resource")
	if resource == "" {
		writeError(w, http.StatusBadRequest, "resource parameter required")
		return
	}
	handle, ok := b.render.ParseResource(resource, b.cfg.Host())
	if !ok && b.cfg.AccountDomain != "" {
		handle, ok = b.render.ParseResource(resource, b.cfg.AccountDomain)
	}
	if _, feed := b.keys.actors[handle]; !feed && (resource == b.render.InstanceActor() || ok && handle == strings.ToLower(b.cfg.Host())) {
		b.writeInstanceWebFinger(w, r)
		return
	}
	if _, known := b.keys.actors[handle]; !ok || !known || !b.published(handle) {
		writeError(w, http.StatusNotFound, "no such account")
		return
	}
	st, err := b.store.FeedState(handle)
	if err != nil {
		internalError(w, b.log, r, err)
		return
	}
	doc, err := b.render.WebFinger(handle, b.cfg.HandleDomain(), st.SiteURL)
	if err != nil {
		internalError(w, b.log, r, err)
		return
	}
	w.Header().Set("Access-Control-Allow-Origin", "*")
	writeBytes(w, actor.JRDContentType, doc)
}

// writeInstanceWebFinger answers for the instance actor (acct:HOST@HOST or
// its URL).
func (b *Bridge) writeInstanceWebFinger(w http.ResponseWriter, r *http.Request) {
	doc, err := b.render.InstanceWebFinger(b.cfg.Host())
	if err != nil {
		internalError(w, b.log, r, err)
		return
	}
	w.Header().Set("Access-Control-Allow-Origin", "*")
	writeBytes(w, actor.JRDContentType, doc)
}
