package bridge

import (
	"net/http"

	"herald/actor"
)

// handleActor answers GET /users/{handle}: the actor document for
// ActivityPub clients (unsigned fetches allowed), a redirect to the website
// for browsers. A handle in other case is redirected to the canonical id.
func (b *Bridge) handleActor(w http.ResponseWriter, r *http.Request) {
	handle, ok := b.knownHandle(r)
	if !ok {
		writeError(w, http.StatusNotFound, "no such account")
		return
	}
	if r.PathValue("handle") != handle {
		http.Redirect(w, r, b.render.Actor(handle), http.StatusMovedPermanently)
		return
	}
	profile, err := b.profile(handle)
	if err != nil {
		internalError(w, b.log, r, err)
		return
	}
	if wantsHTML(r) && profile.SiteURL != "" {
		http.Redirect(w, r, profile.SiteURL, http.StatusSeeOther)
		return
	}
	doc, err := b.render.ActorDocument(profile)
	if err != nil {
		internalError(w, b.log, r, err)
		return
	}
	writeDocument(w, doc)
}

// handleInstanceActor answers GET /actor: the server's Application actor,
// whose key signs Herald's own fetches. Always fetchable unsigned.
func (b *Bridge) handleInstanceActor(w http.ResponseWriter, r *http.Request) {
	doc, err := b.render.InstanceActorDocument(b.cfg.Host(), b.keys.instance.pem)
	if err != nil {
		internalError(w, b.log, r, err)
		return
	}
	writeDocument(w, doc)
}

// handleInstanceOutbox answers GET /actor/outbox: the instance actor posts nothing.
func (b *Bridge) handleInstanceOutbox(w http.ResponseWriter, r *http.Request) {
	doc, err := actor.ItemsCollection(b.render.InstanceActor()+"/outbox", nil)
	if err != nil {
		internalError(w, b.log, r, err)
		return
	}
	writeDocument(w, doc)
}
