package server

import (
	"net/http"

	"herald/actor"
	"herald/respond"
)

// handleActor answers GET /users/{handle}: the actor document for
// ActivityPub clients (unsigned fetches allowed), the profile page for
// browsers (profile.go), or with redirect_browsers_to_site a redirect to
// the website. A handle in other case is redirected to the canonical id.
func (s *Server) handleActor(w http.ResponseWriter, r *http.Request) {
	handle, ok := s.knownHandle(r)
	if !ok {
		respond.Error(w, http.StatusNotFound, "no such account")
		return
	}
	if r.PathValue("handle") != handle {
		http.Redirect(w, r, s.o.Render.Actor(handle), http.StatusMovedPermanently)
		return
	}
	profile, err := s.o.Accounts.Profile(handle)
	if err != nil {
		respond.InternalError(w, s.o.Log, r, err)
		return
	}
	if respond.WantsHTML(r) {
		switch {
		case !s.o.Config.RedirectBrowsersToSite:
			s.handleProfilePage(w, r, handle, profile)
			return
		case profile.SiteURL != "":
			http.Redirect(w, r, profile.SiteURL, http.StatusSeeOther)
			return
		}
	}
	doc, err := s.o.Render.ActorDocument(profile)
	if err != nil {
		respond.InternalError(w, s.o.Log, r, err)
		return
	}
	if s.o.Config.AuthorizedFetch {
		// Peers fetch keys unsigned: they get the key and inbox only.
		v, verr := s.o.Inbox.Verify(r.Context(), r, nil)
		if verr == nil && (s.o.Inbox.Blocked(v.Owner) || s.o.Inbox.Blocked(v.KeyID)) {
			respond.Error(w, http.StatusForbidden, "blocked")
			return
		}
		if verr != nil {
			if doc, err = minimalActor(doc); err != nil {
				respond.InternalError(w, s.o.Log, r, err)
				return
			}
		}
		w.Header().Set("Vary", "Accept, Signature")
	}
	respond.Document(w, doc)
}

// handleInstanceActor answers GET /actor: the server's Application actor,
// whose key signs Herald's own fetches. Always fetchable unsigned.
func (s *Server) handleInstanceActor(w http.ResponseWriter, r *http.Request) {
	_, _, publicPEM := s.o.Accounts.InstanceKey()
	doc, err := s.o.Render.InstanceActorDocument(s.o.Config.Host(), publicPEM)
	if err != nil {
		respond.InternalError(w, s.o.Log, r, err)
		return
	}
	respond.Document(w, doc)
}

// handleInstanceOutbox answers GET /actor/outbox: the instance actor posts nothing.
func (s *Server) handleInstanceOutbox(w http.ResponseWriter, r *http.Request) {
	doc, err := actor.ItemsCollection(s.o.Render.InstanceActor()+"/outbox", nil)
	if err != nil {
		respond.InternalError(w, s.o.Log, r, err)
		return
	}
	respond.Document(w, doc)
}
