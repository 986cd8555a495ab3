package oauth

import (
	"crypto/sha256"
	"errors"
	"net/http"

	"herald/store"
)

// handleRevoke answers POST /oauth/revoke (RFC 7009, as Doorkeeper does
// it): the app authenticates, and the token it names is revoked if it
// was issued to that app. An unknown or already revoked token answers
// 200 too; a request without valid app credentials, or for another app's
// token, answers 403 unauthorized_client.
func (s *Server) handleRevoke(w http.ResponseWriter, r *http.Request) {
	refused := &oauthError{Code: errUnauthorizedClient, Description: "You are not authorized to revoke this token", Status: http.StatusForbidden}
	params, err := ReadParams(w, r)
	if err != nil {
		newError(errInvalidRequest).write(w)
		return
	}
	app, oerr := s.authenticateClient(r, params)
	if oerr != nil {
		refused.write(w)
		return
	}
	token := params.Get("token")
	if token == "" {
		writeJSON(w, http.StatusOK, struct{}{})
		return
	}
	sum := sha256.Sum256([]byte(token))
	switch err := s.o.Store.RevokeOAuthToken(sum[:], app.ClientID, s.o.Now().UTC()); {
	case err == nil:
		s.o.Log.Info("access token revoked", "client_id", app.ClientID)
	case errors.Is(err, store.ErrNotOwner):
		refused.write(w)
		return
	case !errors.Is(err, store.ErrNotFound):
		s.o.Log.Error("revoke token", "client_id", app.ClientID, "error", err)
		newError(errServerError).write(w)
		return
	}
	writeJSON(w, http.StatusOK, struct{}{})
}
