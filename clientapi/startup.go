package clientapi

import (
	"net/http"
	"strings"

	"herald/oauth"
	"herald/respond"
)

// Apps ask for more than the account's posts and notifications when they
// start or open a page: the preferences, the server's custom emojis, the
// filters, lists, announcements, followed hashtags and trends, the
// notification policy and the filtered notifications. Herald has
// none of these things, so the honest answer is Mastodon's for an account
// and a server without them: an empty list, rather than a 404 the app
// shows as an error.

// emptyList answers an empty JSON list.
func emptyList(w http.ResponseWriter, _ *http.Request, _ oauth.Access) { writeJSON(w, []any{}) }

// startupRoutes maps the endpoints that answer empty lists, with the
// scopes Mastodon's controllers ask for.
func (a *API) startupRoutes(mux *http.ServeMux) {
	for path, rl := range map[string]rule{
		"/api/v1/custom_emojis":          anyone,
		"/api/v1/trends":                 anyone,
		"/api/v1/trends/tags":            anyone,
		"/api/v1/trends/statuses":        anyone,
		"/api/v1/trends/links":           anyone,
		"/api/v1/filters":                signedIn("read", "read:filters"),
		"/api/v2/filters":                signedIn("read", "read:filters"),
		"/api/v1/lists":                  signedIn("read", "read:lists"),
		"/api/v1/announcements":          signedIn("read"),
		"/api/v1/followed_tags":          signedIn("read", "read:follows"),
		"/api/v1/follow_requests":        signedIn("read", "read:follows", "follow"),
		"/api/v1/favourites":             signedIn("read", "read:favourites"),
		"/api/v1/bookmarks":              signedIn("read", "read:bookmarks"),
		"/api/v1/notifications/requests": signedIn("read", "read:notifications"),
	} {
		mux.HandleFunc("GET "+path, a.endpoint(rl, emptyList))
	}
	// Herald's accounts follow no one, feature no hashtags, and Herald
	// knows neither of remote accounts.
	mux.HandleFunc("GET /api/v1/accounts/{id}/following", a.endpoint(ifToken("read", "read:accounts"), a.writeEmptyFor))
	mux.HandleFunc("GET /api/v1/accounts/{id}/featured_tags", a.endpoint(ifToken("read", "read:accounts"), a.writeEmptyFor))
	mux.HandleFunc("GET /api/v1/markers", a.endpoint(signedIn("read", "read:statuses"), a.handleMarkers))
	mux.HandleFunc("POST /api/v1/markers", a.endpoint(signedIn("write", "write:statuses"), a.handleSetMarkers))
	mux.HandleFunc("GET /api/v2/notifications/policy", a.endpoint(signedIn("read", "read:notifications"), handlePolicyV2))
	mux.HandleFunc("GET /api/v1/notifications/policy", a.endpoint(signedIn("read", "read:notifications"), handlePolicyV1))
	mux.HandleFunc("GET /api/v1/preferences", a.endpoint(signedIn("read", "read:accounts"), a.handlePreferences))
}

// handlePreferences answers GET /api/v1/preferences: Herald's defaults
// for posting (public, not sensitive, the account's language) and
// Mastodon's for reading.
func (a *API) handlePreferences(w http.ResponseWriter, r *http.Request, access oauth.Access) {
	p, err := a.o.Accounts.Profile(access.Handle)
	if err != nil {
		respond.InternalError(w, a.o.Log, r, err)
		return
	}
	var lang *string
	if l, _, _ := strings.Cut(p.Language, "-"); l != "" {
		lang = &l
	}
	writeJSON(w, map[string]any{
		"posting:default:visibility": "public", "posting:default:sensitive": false, "posting:default:language": lang,
		"reading:expand:media": "default", "reading:expand:spoilers": false, "reading:autoplay:gifs": false,
	})
}

// noPending is a notification policy's summary: Herald filters no
// notifications, so none wait.
var noPending = map[string]int{"pending_requests_count": 0, "pending_notifications_count": 0}

// handlePolicyV2 answers GET /api/v2/notifications/policy (Mastodon
// 4.3): Herald filters no notifications, so every kind is accepted.
func handlePolicyV2(w http.ResponseWriter, _ *http.Request, _ oauth.Access) {
	writeJSON(w, map[string]any{"for_not_following": "accept", "for_not_followers": "accept", "for_new_accounts": "accept",
		"for_private_mentions": "accept", "for_limited_accounts": "accept", "summary": noPending})
}

// handlePolicyV1 answers GET /api/v1/notifications/policy, the older
// shape of the same: nothing filtered.
func handlePolicyV1(w http.ResponseWriter, _ *http.Request, _ oauth.Access) {
	writeJSON(w, map[string]any{"filter_not_following": false, "filter_not_followers": false, "filter_new_accounts": false,
		"filter_private_mentions": false, "summary": noPending})
}
