package oauth

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"herald/store"
)

// authRequest is an authorization request, from the query of GET
// /oauth/authorize or the hidden fields of the sign-in form.
type authRequest struct {
	ResponseType, ClientID, RedirectURI, Scope, State string
	CodeChallenge, CodeChallengeMethod                string

	app    store.OAuthApp
	scopes []string
}

// authError is a refused authorization request: an OAuth error, and
// whether it may be sent back to the redirect URI (once the client and
// the redirect URI are known good) or must be shown on the page.
type authError struct {
	*oauthError
	redirectable bool
}

// readAuthRequest reads the request's parameters from v.
func readAuthRequest(v url.Values) authRequest {
	return authRequest{ResponseType: v.Get("response_type"), ClientID: v.Get("client_id"), RedirectURI: v.Get("redirect_uri"),
		Scope: v.Get("scope"), State: v.Get("state"), CodeChallenge: v.Get("code_challenge"), CodeChallengeMethod: v.Get("code_challenge_method")}
}

// check validates req as Doorkeeper's pre-authorization does, in its
// order: the client and the redirect URI (errors shown on the page),
// then the response type, the scopes and the PKCE method (errors sent to
// the redirect URI). It fills req's app and scopes.
func (s *Server) check(req *authRequest) *authError {
	if req.ClientID == "" {
		return &authError{oauthError: missing("client_id")}
	}
	app, err := s.o.Store.OAuthApp(req.ClientID)
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			s.o.Log.Error("read oauth app", "client_id", req.ClientID, "error", err)
			return &authError{oauthError: newError(errServerError)}
		}
		return &authError{oauthError: newError(errInvalidClient)}
	}
	req.app = app
	switch {
	case req.RedirectURI == "":
		return &authError{oauthError: missing("redirect_uri")}
	case !slices.Contains(app.RedirectURIs, req.RedirectURI):
		return &authError{oauthError: newError(errInvalidRedirectURI)}
	case req.ResponseType == "":
		return &authError{oauthError: missing("response_type"), redirectable: true}
	case req.ResponseType != "code":
		return &authError{oauthError: newError(errUnsupportedResponseType), redirectable: true}
	}
	scopes, ok := parseScopes(req.Scope)
	if !ok || !within(scopes, app.Scopes) {
		return &authError{oauthError: newError(errInvalidScope), redirectable: true}
	}
	req.scopes = scopes
	if req.CodeChallenge != "" && req.CodeChallengeMethod != "S256" {
		return &authError{oauthError: newError(errInvalidChallengeMethod), redirectable: true}
	}
	return nil
}

// redirect returns the redirect URI with params added to its query
// (keeping its own), and state when the request had one.
func (req authRequest) redirect(params url.Values) string {
	if req.State != "" {
		params.Set("state", req.State)
	}
	u, err := url.Parse(req.RedirectURI)
	if err != nil { // checked at registration
		return req.RedirectURI
	}
	q := u.Query()
	for k, v := range params {
		q[k] = v
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// formAction is the CSP form-action source that lets the sign-in form's
// redirect reach the app: the redirect URI's origin, or its scheme for
// an app's own scheme (com.example.app:/callback).
func (req authRequest) formAction() string {
	u, err := url.Parse(req.RedirectURI)
	switch {
	case err != nil || req.RedirectURI == OutOfBand:
		return ""
	case u.Host != "" && (u.Scheme == "http" || u.Scheme == "https"):
		return u.Scheme + "://" + u.Host
	default:
		return strings.ToLower(u.Scheme) + ":"
	}
}

// handleAuthorize answers GET /oauth/authorize: the sign-in page for a
// valid request; for a bad client or redirect URI an error page; for
// other errors a redirect to the app with the error, as Doorkeeper does.
// Herald keeps no sign-in session, so every authorization asks for the
// user name and password (force_login is always in effect).
func (s *Server) handleAuthorize(w http.ResponseWriter, r *http.Request) {
	req := readAuthRequest(r.URL.Query())
	if aerr := s.check(&req); aerr != nil {
		s.refuse(w, r, req, aerr)
		return
	}
	s.showSignIn(w, r, req, http.StatusOK, "")
}

// refuse answers a refused authorization request: back to the app with
// the error when it may go there, else an error page.
func (s *Server) refuse(w http.ResponseWriter, r *http.Request, req authRequest, aerr *authError) {
	if aerr.redirectable && req.RedirectURI != OutOfBand {
		http.Redirect(w, r, req.redirect(url.Values{"error": {aerr.Code}, "error_description": {aerr.Description}}), http.StatusFound)
		return
	}
	s.showPage(w, r, aerr.Status, "error", errorPage{Title: "An error has occurred", Message: aerr.Description, Code: aerr.Code}, "")
}
