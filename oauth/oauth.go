// Package oauth signs people in to Herald's accounts from Mastodon apps,
// speaking OAuth 2 as Mastodon does (Doorkeeper's semantics): apps
// register (POST /api/v1/apps), a person signs in on a server-rendered
// page (/oauth/authorize) with a user name and password the operator
// issued (or an admin token) and picks the account, the app exchanges the
// code for an access token (/oauth/token, with PKCE) and may revoke it
// (/oauth/revoke); /.well-known/oauth-authorization-server describes it
// all (RFC 8414). Codes and tokens are stored as SHA-256 hashes only.
// Authenticate resolves the access token of an API request for package
// clientapi. Sign-in attempts are rate limited per client address and per
// user; each sign-in is written to the audit log. It declares what it
// needs of the store (Store) and of the accounts (Accounts).
package oauth

import (
	"crypto/rand"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"time"

	"herald/config"
	"herald/ratelimit"
	"herald/respond"
	"herald/store"
)

// Store is what the sign-in reads and writes in the store.
type Store interface {
	PutOAuthApp(app store.OAuthApp) error
	OAuthApp(clientID string) (store.OAuthApp, error)
	PutOAuthCode(hash []byte, c store.OAuthCode, now time.Time) error
	RedeemOAuthCode(hash []byte, issue func(store.OAuthCode) (tokenHash []byte, tok store.OAuthToken, err error)) error
	PutOAuthToken(hash []byte, tok store.OAuthToken) error
	OAuthToken(hash []byte) (store.OAuthToken, error)
	TouchOAuthToken(hash []byte, at time.Time) error
	RevokeOAuthToken(hash []byte, clientID string, at time.Time) error
	WebcareUser(name string) (store.WebcareUser, error)
	AddAudit(e store.AuditEntry) error
}

// Accounts knows the local accounts (accounts.Registry does).
type Accounts interface {
	Known(handle string) bool
	Handles() []string
}

// Options are what a Server needs; all are required.
type Options struct {
	Config   *config.Config
	Store    Store
	Accounts Accounts
	Log      *slog.Logger
	Now      func() time.Time
}

// Limits of the sign-in: attempts per client address and per user name,
// and requests to the OAuth endpoints per client address.
const (
	signInAttempts = 5
	signInPer      = time.Minute
	apiRequests    = 300
	apiPer         = 5 * time.Minute
	maxLimiterKeys = 10000
)

// Server answers the OAuth endpoints. It is safe for concurrent use.
type Server struct {
	o Options
	// signInByIP and signInByUser count sign-in attempts; requests counts
	// the other OAuth requests per client address.
	signInByIP, signInByUser, requests *ratelimit.Limiter
	// ticketKey signs the tickets that carry a signed-in admin token to
	// the account choice (tickets.go); it lives as long as the process.
	ticketKey []byte
	pages     *template.Template
}

// New returns a Server.
func New(o Options) (*Server, error) {
	if o.Config == nil || o.Store == nil || o.Accounts == nil || o.Log == nil || o.Now == nil {
		return nil, errors.New("oauth: Config, Store, Accounts, Log and Now are required")
	}
	pages, err := parsePages()
	if err != nil {
		return nil, err
	}
	s := &Server{o: o, pages: pages, ticketKey: make([]byte, 32),
		signInByIP:   ratelimit.New(signInAttempts, signInPer, maxLimiterKeys),
		signInByUser: ratelimit.New(signInAttempts, signInPer, maxLimiterKeys),
		requests:     ratelimit.New(apiRequests, apiPer, maxLimiterKeys)}
	_, _ = rand.Read(s.ticketKey) // crypto/rand.Read never fails (Go 1.24+)
	return s, nil
}

// Routes maps the OAuth URLs and the app registration on mux.
func (s *Server) Routes(mux *http.ServeMux) {
	mux.HandleFunc("POST /api/v1/apps", s.limited(s.handleCreateApp))
	mux.HandleFunc("GET /api/v1/apps/verify_credentials", s.limited(s.handleVerifyApp))
	mux.HandleFunc("GET /oauth/authorize", s.handleAuthorize)
	mux.Handle("POST /oauth/authorize", http.NewCrossOriginProtection().Handler(http.HandlerFunc(s.handleSignIn)))
	mux.HandleFunc("POST /oauth/token", s.limited(s.handleToken))
	mux.HandleFunc("POST /oauth/revoke", s.limited(s.handleRevoke))
	mux.HandleFunc("OPTIONS /oauth/token", respond.Preflight(http.MethodPost))
	mux.HandleFunc("OPTIONS /oauth/revoke", respond.Preflight(http.MethodPost))
	mux.HandleFunc("GET /.well-known/oauth-authorization-server", s.handleMetadata)
	mux.HandleFunc("GET "+stylePath, s.handleStyle)
}

// limited answers 429 as Mastodon's throttles do when the client address
// has made too many requests to the OAuth endpoints, and lets the
// endpoint's answer be read from any origin (CORS).
func (s *Server) limited(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		respond.AllowCORS(w)
		w.Header().Set("Cache-Control", "no-store")
		if ok, wait := s.requests.Allow(ratelimit.ClientIP(r), s.o.Now()); !ok {
			w.Header().Set("Retry-After", retryAfter(wait))
			respond.Error(w, http.StatusTooManyRequests, "Too many requests")
			return
		}
		h(w, r)
	}
}
