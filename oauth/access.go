package oauth

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"herald/config"
	"herald/respond"
	"herald/store"
)

// Errors of Authenticate.
var (
	// ErrInvalidToken: no such token.
	ErrInvalidToken = errors.New("invalid access token")
	// ErrRevokedToken: the token was revoked, or whoever it was granted
	// to may no longer use the account (user removed, admin token gone
	// from the config, account gone).
	ErrRevokedToken = errors.New("revoked access token")
)

// Doorkeeper's words for a refused token, which Mastodon's clients show.
const (
	invalidTokenMessage = "The access token is invalid"
	revokedTokenMessage = "The access token was revoked"
)

// touchEvery is how often a token's last use is written down at most.
const touchEvery = time.Minute

// Access is what an API request's access token grants.
type Access struct {
	// TokenID names the token in logs and rate limits without revealing
	// it: the first 8 bytes of its hash, in hex.
	TokenID string
	// ClientID is the app the token was issued to.
	ClientID string
	// Handle is the account the token acts for; "" for an app-only token.
	Handle string
	// Who signed in (zero for an app-only token).
	Who store.Principal
	// Scopes are the scopes granted.
	Scopes []string
}

// Allows reports whether the token was granted one of scopes (or a scope
// that covers one, as read covers read:statuses): Doorkeeper's
// doorkeeper_authorize! with several scopes.
func (a Access) Allows(scopes ...string) bool {
	for _, s := range scopes {
		if covers(a.Scopes, s) {
			return true
		}
	}
	return false
}

// Authenticate finds the access token of r: "Authorization: Bearer
// TOKEN", else an access_token query parameter (Doorkeeper's defaults).
// present is false when r carries none. A token that is unknown gives
// ErrInvalidToken; one that was revoked, or whose holder may no longer
// use its account, gives ErrRevokedToken. Its last use is written down
// (once a minute at most).
func (s *Server) Authenticate(r *http.Request) (a Access, present bool, err error) {
	raw := bearerToken(r)
	if raw == "" {
		return Access{}, false, nil
	}
	sum := sha256.Sum256([]byte(raw))
	tok, err := s.o.Store.OAuthToken(sum[:])
	switch {
	case errors.Is(err, store.ErrNotFound):
		return Access{}, true, ErrInvalidToken
	case err != nil:
		return Access{}, true, err
	case !tok.Revoked.IsZero():
		return Access{}, true, ErrRevokedToken
	case tok.Handle != "" && !s.mayUse(tok.Who, tok.Handle):
		return Access{}, true, ErrRevokedToken
	}
	now := s.o.Now().UTC()
	if now.Sub(tok.LastUsed) >= touchEvery {
		if err := s.o.Store.TouchOAuthToken(sum[:], now); err != nil {
			s.o.Log.Warn("record token use", "error", err)
		}
	}
	return Access{TokenID: hex.EncodeToString(sum[:8]), ClientID: tok.ClientID, Handle: tok.Handle, Who: tok.Who, Scopes: tok.Scopes}, true, nil
}

func bearerToken(r *http.Request) string {
	if h := r.Header.Get("Authorization"); h != "" {
		if scheme, tok, ok := strings.Cut(h, " "); ok && strings.EqualFold(scheme, "Bearer") {
			return strings.TrimSpace(tok)
		}
		return ""
	}
	return r.URL.Query().Get("access_token")
}

// mayUse reports whether who may still act as handle: a user that still
// exists and was issued for handle, or an admin token still in the config
// that allows handle; and handle is still served.
func (s *Server) mayUse(who store.Principal, handle string) bool {
	if !s.o.Accounts.Known(handle) {
		return false
	}
	switch who.Kind {
	case store.PrincipalUser:
		u, err := s.o.Store.WebcareUser(who.Name)
		return err == nil && u.Handle == handle
	case store.PrincipalAdminToken:
		tok, ok := s.adminTokenByHash(who.AdminToken)
		return ok && tok.Allows(handle)
	}
	return false
}

// adminTokenByHash returns the configured admin token whose SHA-256 is
// hexSum, compared in constant time.
func (s *Server) adminTokenByHash(hexSum string) (config.AdminToken, bool) {
	presented, err := hex.DecodeString(hexSum)
	if err != nil || len(presented) != sha256.Size {
		return config.AdminToken{}, false
	}
	var found config.AdminToken
	match := false
	for _, t := range s.o.Config.AdminTokens {
		want := sha256.Sum256([]byte(t.Token))
		if subtle.ConstantTimeCompare(presented, want[:]) == 1 {
			found, match = t, true
		}
	}
	return found, match
}

// WriteTokenError answers a request whose token Authenticate refused (or
// that carried none, present false) as Doorkeeper does: 401 with the
// reason as Mastodon's {"error": ...} and in WWW-Authenticate. Other
// errors are logged and answered 500.
func WriteTokenError(w http.ResponseWriter, log *slog.Logger, r *http.Request, present bool, err error) {
	if present && !errors.Is(err, ErrInvalidToken) && !errors.Is(err, ErrRevokedToken) {
		respond.InternalError(w, log, r, err)
		return
	}
	msg := invalidTokenMessage
	if errors.Is(err, ErrRevokedToken) {
		msg = revokedTokenMessage
	}
	w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer realm="Doorkeeper", error="invalid_token", error_description=%q`, msg))
	respond.Error(w, http.StatusUnauthorized, msg)
}

// WriteScopeError answers 403 for a token that lacks the scopes an
// endpoint needs, in Mastodon's words.
func WriteScopeError(w http.ResponseWriter, scopes ...string) {
	w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer realm="Doorkeeper", error="insufficient_scope", error_description="The access token has insufficient scope", scope=%q`, strings.Join(scopes, " ")))
	respond.Error(w, http.StatusForbidden, "This action is outside the authorized scopes")
}
