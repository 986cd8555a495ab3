package admin

import (
	"net/http"

	"herald/config"
	"herald/respond"
)

// handleActors answers GET /admin/api/actors: the actors the token may
// see, with their feed health and counts.
func (a *Admin) handleActors(w http.ResponseWriter, r *http.Request, tok config.AdminToken) {
	out := []ActorStatus{}
	for _, f := range a.o.Config.Feeds {
		if !tok.Allows(f.Handle) {
			continue
		}
		s, err := ReadActorStatus(a.o.Store, a.o.Config, f)
		if err != nil {
			respond.InternalError(w, a.o.Log, r, err)
			return
		}
		out = append(out, s)
	}
	respond.JSON(w, out)
}

// handleActor answers GET /admin/api/actors/{handle}.
func (a *Admin) handleActor(w http.ResponseWriter, r *http.Request, tok config.AdminToken) {
	if handle, ok := a.canSee(w, r, tok); ok {
		a.writeActorStatus(w, r, handle)
	}
}

// writeActorStatus answers with handle's ActorStatus.
func (a *Admin) writeActorStatus(w http.ResponseWriter, r *http.Request, handle string) {
	s, err := ReadActorStatus(a.o.Store, a.o.Config, a.o.Accounts.Feed(handle))
	if err != nil {
		respond.InternalError(w, a.o.Log, r, err)
		return
	}
	respond.JSON(w, s)
}
