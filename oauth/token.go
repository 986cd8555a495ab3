package oauth

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"herald/store"
)

// Grant types Herald issues tokens for.
const (
	grantAuthorizationCode = "authorization_code"
	grantClientCredentials = "client_credentials"
)

// Error makes an oauthError an error, so that it can come back through
// the store's transaction.
func (e *oauthError) Error() string { return e.Code + ": " + e.Description }

// tokenAnswer is the token endpoint's answer (Mastodon's Token entity).
type tokenAnswer struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	Scope       string `json:"scope"`
	CreatedAt   int64  `json:"created_at"`
}

// handleToken answers POST /oauth/token: an authorization code (with its
// PKCE verifier) or the app's own credentials for an access token, with
// the parameters as a form, multipart form or JSON, and the app
// authenticated with HTTP Basic or client_id and client_secret
// parameters. Errors are Doorkeeper's, in the order it checks.
func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	params, err := ReadParams(w, r)
	if err != nil {
		newError(errInvalidRequest).write(w)
		return
	}
	var answer tokenAnswer
	var oerr *oauthError
	switch grant := params.Get("grant_type"); grant {
	case "":
		oerr = missing("grant_type")
	case grantAuthorizationCode:
		answer, oerr = s.exchangeCode(r, params)
	case grantClientCredentials:
		answer, oerr = s.clientCredentials(r, params)
	default:
		oerr = newError(errUnsupportedGrantType)
	}
	if oerr != nil {
		oerr.write(w)
		return
	}
	writeJSON(w, http.StatusOK, answer)
}

// exchangeCode redeems an authorization code: it must exist, be unexpired,
// be the client's, name the same redirect URI and, when the sign-in
// carried a PKCE challenge, come with the verifier that hashes to it
// (S256). A refused exchange leaves the code as it was, as Doorkeeper
// does; a good one uses it up.
func (s *Server) exchangeCode(r *http.Request, params url.Values) (tokenAnswer, *oauthError) {
	if params.Get("redirect_uri") == "" {
		return tokenAnswer{}, missing("redirect_uri")
	}
	app, oerr := s.authenticateClient(r, params)
	if oerr != nil {
		return tokenAnswer{}, oerr
	}
	code := params.Get("code")
	if code == "" {
		return tokenAnswer{}, newError(errInvalidGrant)
	}
	now := s.o.Now().UTC()
	token := randomToken()
	tokenHash := sha256.Sum256([]byte(token))
	codeHash := sha256.Sum256([]byte(code))
	var granted store.OAuthToken
	err := s.o.Store.RedeemOAuthCode(codeHash[:], func(c store.OAuthCode) ([]byte, store.OAuthToken, error) {
		if oerr := checkGrant(c, app, params, now); oerr != nil {
			return nil, store.OAuthToken{}, oerr
		}
		granted = store.OAuthToken{ClientID: app.ClientID, Handle: c.Handle, Who: c.Who, Scopes: c.Scopes, Created: now}
		return tokenHash[:], granted, nil
	})
	if errors.As(err, &oerr) {
		return tokenAnswer{}, oerr
	}
	if errors.Is(err, store.ErrNotFound) {
		return tokenAnswer{}, newError(errInvalidGrant)
	}
	if err != nil {
		s.o.Log.Error("redeem authorization code", "client_id", app.ClientID, "error", err)
		return tokenAnswer{}, newError(errServerError)
	}
	s.o.Log.Info("access token issued", "client_id", app.ClientID, "account", granted.Handle, "who", granted.Who.Name)
	return tokenAnswer{AccessToken: token, TokenType: "Bearer", Scope: strings.Join(granted.Scopes, " "), CreatedAt: now.Unix()}, nil
}

// checkGrant is Doorkeeper's validation of a code against the exchange.
func checkGrant(c store.OAuthCode, app store.OAuthApp, params url.Values, now time.Time) *oauthError {
	verifier := params.Get("code_verifier")
	switch {
	case c.ClientID != app.ClientID || !now.Before(c.Expires):
		return newError(errInvalidGrant)
	case c.Challenge != "" && verifier == "":
		return missing("code_verifier")
	case c.RedirectURI != params.Get("redirect_uri"):
		return newError(errInvalidGrant)
	case c.Challenge != "" && !verifies(verifier, c.Challenge):
		return newError(errInvalidGrant)
	}
	return nil
}

// verifies reports whether verifier hashes to challenge by S256 (RFC 7636
// section 4.6), compared in constant time.
func verifies(verifier, challenge string) bool {
	sum := sha256.Sum256([]byte(verifier))
	want := base64.RawURLEncoding.EncodeToString(sum[:])
	return subtle.ConstantTimeCompare([]byte(want), []byte(challenge)) == 1
}

// clientCredentials issues an app-only token: no account, the scopes
// asked for (read by default) if the app registered them.
func (s *Server) clientCredentials(r *http.Request, params url.Values) (tokenAnswer, *oauthError) {
	app, oerr := s.authenticateClient(r, params)
	if oerr != nil {
		return tokenAnswer{}, oerr
	}
	scopes, ok := parseScopes(params.Get("scope"))
	if !ok || !within(scopes, app.Scopes) {
		return tokenAnswer{}, newError(errInvalidScope)
	}
	now := s.o.Now().UTC()
	token := randomToken()
	sum := sha256.Sum256([]byte(token))
	if err := s.o.Store.PutOAuthToken(sum[:], store.OAuthToken{ClientID: app.ClientID, Scopes: scopes, Created: now}); err != nil {
		s.o.Log.Error("store app token", "client_id", app.ClientID, "error", err)
		return tokenAnswer{}, newError(errServerError)
	}
	return tokenAnswer{AccessToken: token, TokenType: "Bearer", Scope: strings.Join(scopes, " "), CreatedAt: now.Unix()}, nil
}

// authenticateClient finds the app that r authenticates as: HTTP Basic
// (client_secret_basic), else client_id and client_secret parameters
// (client_secret_post). Anything else is invalid_client.
func (s *Server) authenticateClient(r *http.Request, params url.Values) (store.OAuthApp, *oauthError) {
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = params.Get("client_id"), params.Get("client_secret")
	}
	if id == "" || secret == "" {
		return store.OAuthApp{}, newError(errInvalidClient)
	}
	app, err := s.o.Store.OAuthApp(id)
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			s.o.Log.Error("read oauth app", "client_id", id, "error", err)
		}
		return store.OAuthApp{}, newError(errInvalidClient)
	}
	sum := sha256.Sum256([]byte(secret))
	if subtle.ConstantTimeCompare(sum[:], app.SecretHash) != 1 {
		return store.OAuthApp{}, newError(errInvalidClient)
	}
	return app, nil
}
