package admin

import (
	"net/http"

	"herald/config"
	"herald/respond"
	"herald/store"
)

// handleFollowers answers GET /admin/api/actors/{handle}/followers.
func (a *Admin) handleFollowers(w http.ResponseWriter, r *http.Request, tok config.AdminToken) {
	handle, ok := a.canSee(w, r, tok)
	if !ok {
		return
	}
	followers, err := a.o.Store.Followers(handle)
	if err != nil {
		respond.InternalError(w, a.o.Log, r, err)
		return
	}
	if followers == nil {
		followers = []store.Follower{}
	}
	respond.JSON(w, followers)
}
