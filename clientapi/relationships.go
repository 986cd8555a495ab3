package clientapi

import (
	"net/http"

	"herald/oauth"
	"herald/respond"
)

// Relationship is Mastodon's Relationship entity: what the signed-in
// account is to another. Herald's accounts follow, block, mute and
// endorse no one; only followed_by can be true.
type Relationship struct {
	ID                  string   `json:"id"`
	Following           bool     `json:"following"`
	ShowingReblogs      bool     `json:"showing_reblogs"`
	Notifying           bool     `json:"notifying"`
	Languages           []string `json:"languages"`
	FollowedBy          bool     `json:"followed_by"`
	Blocking            bool     `json:"blocking"`
	BlockedBy           bool     `json:"blocked_by"`
	Muting              bool     `json:"muting"`
	MutingNotifications bool     `json:"muting_notifications"`
	Requested           bool     `json:"requested"`
	RequestedBy         bool     `json:"requested_by"`
	DomainBlocking      bool     `json:"domain_blocking"`
	Endorsed            bool     `json:"endorsed"`
	Note                string   `json:"note"`
}

// FamiliarFollowers is Mastodon's FamiliarFollowers entity.
type FamiliarFollowers struct {
	ID       string    `json:"id"`
	Accounts []Account `json:"accounts"`
}

// handleRelationships answers GET /api/v1/accounts/relationships?id[]=:
// a Relationship for each id of an account Herald knows (Herald's, or a
// remote one), in the order asked; unknown ids are left out, as Mastodon
// leaves out ids it has no account for. followed_by tells whether a
// remote account follows the signed-in one.
func (a *API) handleRelationships(w http.ResponseWriter, r *http.Request, access oauth.Access) {
	followers, err := a.o.Store.Followers(access.Handle)
	if err != nil {
		respond.InternalError(w, a.o.Log, r, err)
		return
	}
	following := map[string]bool{}
	for _, f := range followers {
		following[remoteAccountID(f.ID)] = true
	}
	out := []Relationship{}
	for _, id := range listParam(r.URL.Query(), "id") {
		known := following[id]
		if !known {
			if known, err = a.knownAccount(id, access); err != nil {
				respond.InternalError(w, a.o.Log, r, err)
				return
			}
		}
		if known {
			out = append(out, Relationship{ID: id, FollowedBy: following[id]})
		}
	}
	writeJSON(w, out)
}

// handleFamiliarFollowers answers GET /api/v1/accounts/familiar_followers:
// for each id, the accounts the signed-in one follows that follow it.
// Herald's accounts follow no one, so there are none.
func (a *API) handleFamiliarFollowers(w http.ResponseWriter, r *http.Request, _ oauth.Access) {
	out := []FamiliarFollowers{}
	for _, id := range listParam(r.URL.Query(), "id") {
		out = append(out, FamiliarFollowers{ID: id, Accounts: []Account{}})
	}
	writeJSON(w, out)
}

// knownAccount reports whether id is an account the holder of access may
// see: one of Herald's, or a remote one Herald knows.
func (a *API) knownAccount(id string, access oauth.Access) (bool, error) {
	if h, ok := a.handleOf(id); ok {
		return a.visible(h, access), nil
	}
	_, known, err := a.remoteActorOf(id, access)
	return known, err
}

// writeEmptyFor answers an empty list for an account Herald knows, 404
// for any other id.
func (a *API) writeEmptyFor(w http.ResponseWriter, r *http.Request, access oauth.Access) {
	known, err := a.knownAccount(r.PathValue("id"), access)
	switch {
	case err != nil:
		respond.InternalError(w, a.o.Log, r, err)
	case !known:
		notFound(w)
	default:
		writeJSON(w, []any{})
	}
}
