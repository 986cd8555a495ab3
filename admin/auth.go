package admin

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"strings"

	"herald/config"
	"herald/respond"
)

// adminToken returns the configured token presented as "Authorization:
// Bearer TOKEN". Tokens are compared in constant time (over their SHA-256,
// so that length leaks nothing either).
func (a *Admin) adminToken(r *http.Request) (config.AdminToken, bool) {
	presented, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || presented == "" {
		return config.AdminToken{}, false
	}
	sum := sha256.Sum256([]byte(presented))
	var found config.AdminToken
	match := false
	for _, t := range a.o.Config.AdminTokens {
		want := sha256.Sum256([]byte(t.Token))
		if subtle.ConstantTimeCompare(sum[:], want[:]) == 1 {
			found, match = t, true
		}
	}
	return found, match
}

// admin wraps an admin API handler: 401 without a valid token, 403 when
// operatorOnly and the token is a publisher's. Handlers that take a
// {handle} check it themselves with canSee.
func (a *Admin) api(operatorOnly bool, h func(http.ResponseWriter, *http.Request, config.AdminToken)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		tok, ok := a.adminToken(r)
		if !ok {
			w.Header().Set("WWW-Authenticate", `Bearer realm="herald"`)
			respond.Error(w, http.StatusUnauthorized, "a valid bearer token is required")
			return
		}
		if operatorOnly && tok.Role != config.RoleOperator {
			respond.Error(w, http.StatusForbidden, "operator token required")
			return
		}
		h(w, r, tok)
	}
}

// canSee answers 404 for an unknown handle and 403 for a handle the token
// may not see, and reports whether the handler may go on.
func (a *Admin) canSee(w http.ResponseWriter, r *http.Request, tok config.AdminToken) (string, bool) {
	handle, ok := a.knownHandle(r)
	if !ok {
		respond.Error(w, http.StatusNotFound, "no such actor")
		return "", false
	}
	if !tok.Allows(handle) {
		respond.Error(w, http.StatusForbidden, "this token may not see that actor")
		return "", false
	}
	return handle, true
}
