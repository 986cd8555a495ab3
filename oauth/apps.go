package oauth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"herald/respond"
	"herald/store"
)

// OutOfBand is the redirect URI that asks the sign-in page to show the
// code instead of redirecting (Doorkeeper's native_redirect_uri).
const OutOfBand = "urn:ietf:wg:oauth:2.0:oob"

// Limits of an app's fields, as Mastodon validates them.
const (
	maxAppName    = 60
	maxURILength  = 2000
	maxRedirects  = 10
	secretBytes   = 32
	forbiddenURIs = "data vbscript javascript"
)

// application is the Application entity of Mastodon's API; the
// credentials are there only in the answer to the registration.
type application struct {
	ID           string   `json:"id"`
	Name         string   `json:"name"`
	Website      *string  `json:"website"`
	Scopes       []string `json:"scopes"`
	RedirectURIs []string `json:"redirect_uris"`
	RedirectURI  string   `json:"redirect_uri"`
	ClientID     string   `json:"client_id,omitempty"`
	ClientSecret string   `json:"client_secret,omitempty"`
	// SecretExpiresAt is 0: secrets do not expire.
	SecretExpiresAt *int `json:"client_secret_expires_at,omitempty"`
}

func appEntity(app store.OAuthApp) application {
	e := application{ID: app.ID, Name: app.Name, Scopes: app.Scopes, RedirectURIs: app.RedirectURIs,
		RedirectURI: strings.Join(app.RedirectURIs, "\n")}
	if app.Website != "" {
		e.Website = &app.Website
	}
	return e
}

// handleCreateApp answers POST /api/v1/apps: it registers a client
// application (client_name, redirect_uris, scopes, website) and answers
// its credentials, once; the store keeps only the secret's hash. Invalid
// fields answer 422 with Rails' "Validation failed: ..." message, as
// Mastodon does.
func (s *Server) handleCreateApp(w http.ResponseWriter, r *http.Request) {
	params, err := ReadParams(w, r)
	if err != nil {
		respond.Error(w, http.StatusBadRequest, err.Error())
		return
	}
	app, problems := newApp(params)
	if len(problems) > 0 {
		respond.Error(w, http.StatusUnprocessableEntity, "Validation failed: "+strings.Join(problems, ", "))
		return
	}
	secret := randomToken()
	sum := sha256.Sum256([]byte(secret))
	app.ClientID, app.SecretHash, app.Created = randomToken(), sum[:], s.o.Now().UTC()
	app.ID = snowflake(app.Created.UnixMilli())
	if err := s.o.Store.PutOAuthApp(app); err != nil {
		respond.InternalError(w, s.o.Log, r, err)
		return
	}
	s.o.Log.Info("oauth app registered", "client_id", app.ClientID, "app", app.Name)
	e := appEntity(app)
	zero := 0
	e.ClientID, e.ClientSecret, e.SecretExpiresAt = app.ClientID, secret, &zero
	writeJSON(w, http.StatusOK, e)
}

// newApp reads an app from the registration's parameters, with what is
// wrong with them in Rails' words.
func newApp(params url.Values) (app store.OAuthApp, problems []string) {
	app.Name = strings.TrimSpace(params.Get("client_name"))
	switch {
	case app.Name == "":
		problems = append(problems, "Name can't be blank")
	case utf8.RuneCountInString(app.Name) > maxAppName:
		problems = append(problems, "Name is too long (maximum is 60 characters)")
	}
	for _, v := range params["redirect_uris"] {
		app.RedirectURIs = append(app.RedirectURIs, strings.Fields(v)...)
	}
	problems = append(problems, redirectProblems(app.RedirectURIs)...)
	scopes, ok := parseScopes(params.Get("scopes"))
	if !ok {
		problems = append(problems, "Scopes doesn't match configured on the server.")
	}
	app.Scopes = scopes
	if app.Website = strings.TrimSpace(params.Get("website")); app.Website != "" {
		u, err := url.Parse(app.Website)
		switch {
		case len(app.Website) > maxURILength:
			problems = append(problems, "Website is too long (maximum is 2000 characters)")
		case err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https"):
			problems = append(problems, "Website is invalid")
		}
	}
	return app, problems
}

// redirectProblems checks redirect URIs as Doorkeeper's validator does:
// absolute, no fragment, not a forbidden scheme; the out-of-band URI is
// allowed.
func redirectProblems(uris []string) []string {
	if len(uris) == 0 {
		return []string{"Redirect URI can't be blank"}
	}
	if len(uris) > maxRedirects {
		return []string{"Redirect URI has too many entries"}
	}
	for _, raw := range uris {
		if raw == OutOfBand {
			continue
		}
		u, err := url.Parse(raw)
		switch {
		case len(raw) > maxURILength:
			return []string{"Redirect URI is too long (maximum is 2000 characters)"}
		case err != nil:
			return []string{"Redirect URI must be a valid URI."}
		case u.Scheme == "":
			return []string{"Redirect URI must be an absolute URI."}
		case strings.Contains(forbiddenURIs, strings.ToLower(u.Scheme)):
			return []string{"Redirect URI is forbidden by the server."}
		case u.Fragment != "" || strings.Contains(raw, "#"):
			return []string{"Redirect URI cannot contain a fragment."}
		}
	}
	return nil
}

// handleVerifyApp answers GET /api/v1/apps/verify_credentials: the app
// of the access token (any token, user or app-only).
func (s *Server) handleVerifyApp(w http.ResponseWriter, r *http.Request) {
	access, present, err := s.Authenticate(r)
	if !present || err != nil {
		WriteTokenError(w, s.o.Log, r, present, err)
		return
	}
	app, err := s.o.Store.OAuthApp(access.ClientID)
	if errors.Is(err, store.ErrNotFound) {
		WriteTokenError(w, s.o.Log, r, true, ErrInvalidToken)
		return
	}
	if err != nil {
		respond.InternalError(w, s.o.Log, r, err)
		return
	}
	writeJSON(w, http.StatusOK, appEntity(app))
}

// randomToken is 32 random bytes in unpadded base64url: 43 characters,
// as Doorkeeper's secrets and tokens are.
func randomToken() string {
	b := make([]byte, secretBytes)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b)
}

// snowflake is a Mastodon-like id: ms milliseconds since the epoch in the
// high bits, 16 random bits below.
func snowflake(ms int64) string {
	var b [2]byte
	_, _ = rand.Read(b[:])
	return strconv.FormatUint(uint64(max(ms, 0))<<16|uint64(binary.BigEndian.Uint16(b[:])), 10)
}
