package oauth

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// OAuth error codes (RFC 6749 section 5.2 and 4.1.2.1) and the
// descriptions Doorkeeper gives them in Mastodon.
const (
	errInvalidRequest          = "invalid_request"
	errInvalidClient           = "invalid_client"
	errInvalidGrant            = "invalid_grant"
	errUnauthorizedClient      = "unauthorized_client"
	errUnsupportedGrantType    = "unsupported_grant_type"
	errInvalidScope            = "invalid_scope"
	errInvalidRedirectURI      = "invalid_redirect_uri"
	errUnsupportedResponseType = "unsupported_response_type"
	errAccessDenied            = "access_denied"
	errInvalidChallengeMethod  = "invalid_code_challenge_method"
	errServerError             = "server_error"
)

// descriptions are Doorkeeper's error_description texts (its
// config/locales/en.yml).
var descriptions = map[string]string{
	errInvalidRequest:          "The request is missing a required parameter, includes an unsupported parameter value, or is otherwise malformed.",
	errInvalidClient:           "Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.",
	errInvalidGrant:            "The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.",
	errUnauthorizedClient:      "The client is not authorized to perform this request using this method.",
	errUnsupportedGrantType:    "The authorization grant type is not supported by the authorization server.",
	errInvalidScope:            "The requested scope is invalid, unknown, or malformed.",
	errInvalidRedirectURI:      "The requested redirect uri is malformed or doesn't match client redirect URI.",
	errUnsupportedResponseType: "The authorization server does not support this response type.",
	errAccessDenied:            "The resource owner or authorization server denied the request.",
	errInvalidChallengeMethod:  "The code_challenge_method must be S256.",
	errServerError:             "The authorization server encountered an unexpected condition which prevented it from fulfilling the request.",
}

// oauthError is an OAuth error answer: its code, description and status.
type oauthError struct {
	Code, Description string
	Status            int
}

// newError returns the error code with Doorkeeper's description and the
// status Doorkeeper answers it with (401 for invalid_client, 400 else).
func newError(code string) *oauthError {
	status := http.StatusBadRequest
	if code == errInvalidClient {
		status = http.StatusUnauthorized
	}
	return &oauthError{Code: code, Description: descriptions[code], Status: status}
}

// missing is invalid_request for a missing parameter, worded as Doorkeeper
// words it.
func missing(param string) *oauthError {
	e := newError(errInvalidRequest)
	e.Description = fmt.Sprintf("Missing required parameter: %s.", param)
	return e
}

// write answers e as JSON, {"error": ..., "error_description": ...}, with
// the cache headers RFC 6749 section 5.1 asks for; invalid_client also
// says how to authenticate (WWW-Authenticate), as Doorkeeper does.
func (e *oauthError) write(w http.ResponseWriter) {
	if e.Code == errInvalidClient {
		w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer realm="Doorkeeper", error=%q, error_description=%q`, e.Code, e.Description))
	}
	writeJSON(w, e.Status, map[string]string{"error": e.Code, "error_description": e.Description})
}

// writeJSON answers status with v as JSON, never cached.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// retryAfter is the Retry-After value for wait: whole seconds, at least 1.
func retryAfter(wait time.Duration) string {
	return strconv.Itoa(max(1, int((wait+time.Second-1)/time.Second)))
}
