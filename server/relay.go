package server

import (
	"errors"
	"net/http"

	"herald/actor"
	"herald/respond"
	"herald/store"
)

// handleRelayActor answers GET /relay: the relay client actor that
// subscribes to relays (docs/relays.md). Always fetchable unsigned, as the
// instance actor is.
func (s *Server) handleRelayActor(w http.ResponseWriter, r *http.Request) {
	_, _, publicPEM := s.o.Accounts.InstanceKey()
	doc, err := s.o.Render.RelayActorDocument(s.o.Config.Host(), publicPEM)
	if err != nil {
		respond.InternalError(w, s.o.Log, r, err)
		return
	}
	respond.Document(w, doc)
}

// handleRelayFollowers answers GET /relay/followers: the LitePub relays
// that follow the relay actor back (public services, listed by id).
func (s *Server) handleRelayFollowers(w http.ResponseWriter, r *http.Request) {
	followers, err := s.o.Store.Followers(store.RelayHandle)
	if err != nil {
		respond.InternalError(w, s.o.Log, r, err)
		return
	}
	ids := make([]string, len(followers))
	for i, f := range followers {
		ids[i] = f.ID
	}
	doc, err := actor.IDsCollection(s.o.Render.RelayFollowers(), ids)
	if err != nil {
		respond.InternalError(w, s.o.Log, r, err)
		return
	}
	respond.Document(w, doc)
}

// handleRelayEmpty answers GET /relay/outbox and /relay/following: the
// relay actor posts nothing and follows relays only through subscriptions.
func (s *Server) handleRelayEmpty(w http.ResponseWriter, r *http.Request) {
	doc, err := actor.ItemsCollection(s.o.Config.BaseURL+r.URL.Path, nil)
	if err != nil {
		respond.InternalError(w, s.o.Log, r, err)
		return
	}
	respond.Document(w, doc)
}

// handleRelayActivity answers GET of the relay actor's Follows and
// Accepts: the stored JSON.
func (s *Server) handleRelayActivity(w http.ResponseWriter, r *http.Request) {
	doc, err := s.o.Store.Document(s.o.Config.BaseURL + r.URL.Path)
	if errors.Is(err, store.ErrNotFound) {
		respond.Error(w, http.StatusNotFound, "not found")
		return
	}
	if err != nil {
		respond.InternalError(w, s.o.Log, r, err)
		return
	}
	respond.Document(w, doc)
}
