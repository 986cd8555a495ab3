package server

import (
	"encoding/json"
	"net/http"

	"herald/inbox"
	"herald/respond"
)

// signedFetch wraps a GET handler of a document (actor, post, activity,
// collection). In authorized-fetch mode (authorized_fetch: true, as
// Mastodon's secure mode and GoToSocial) the request must carry a valid
// HTTP signature from an actor that is not blocked: 401 without one, 403 for
// a blocked signer. Browsers asking for HTML are let through: they are
// redirected to the site or article and see no ActivityPub data. Otherwise
// the handler runs as it is.
func (s *Server) signedFetch(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.o.Config.AuthorizedFetch || respond.WantsHTML(r) {
			h(w, r)
			return
		}
		v, err := s.o.Inbox.Verify(r.Context(), r, nil)
		if err != nil {
			w.Header().Set("Vary", "Accept, Signature")
			status, _ := inbox.VerifyErrorStatus(err)
			if status == http.StatusBadRequest {
				status = http.StatusUnauthorized
			}
			respond.Error(w, status, "this server requires signed fetches (authorized fetch)")
			return
		}
		if s.o.Inbox.Blocked(v.Owner) || s.o.Inbox.Blocked(v.KeyID) {
			respond.Error(w, http.StatusForbidden, "blocked")
			return
		}
		w.Header().Set("Vary", "Accept, Signature")
		w.Header().Set("Cache-Control", "private, max-age=60")
		h(w, r)
	}
}

// publicActorFields are what an actor document shows to an unsigned fetch
// in authorized-fetch mode: enough for a peer to verify the actor's
// signatures and reach its inbox (peers fetch keys unsigned), nothing of
// its profile or collections.
var publicActorFields = []string{"@context", "id", "type", "preferredUsername", "inbox", "outbox", "endpoints", "publicKey", "url"}

// minimalActor strips an actor document to publicActorFields.
func minimalActor(doc []byte) ([]byte, error) {
	var full map[string]json.RawMessage
	if err := json.Unmarshal(doc, &full); err != nil {
		return nil, err
	}
	keep := make(map[string]json.RawMessage, len(publicActorFields))
	for _, k := range publicActorFields {
		if v, ok := full[k]; ok {
			keep[k] = v
		}
	}
	return json.Marshal(keep)
}
