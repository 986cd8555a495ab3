// Package clientapi answers Mastodon's client API (/api/v1/..., /api/v2/...)
// for Herald's accounts, so that Mastodon apps and libraries signed in
// through package oauth can read them: the instance, the signed-in account
// (verify_credentials), accounts by id and by handle, an account's posts
// with Mastodon's paging and Link headers, and single posts, in Mastodon's
// JSON shapes (entities.go) and with its error answers. Ids are stable
// numbers derived from what Herald stores (ids.go). Unknown API paths
// answer 404 in JSON, and every answer may be read from any origin (CORS),
// as Mastodon's. It declares what it needs of the store (Store), of the
// accounts (Accounts) and of the sign-in (Auth).
package clientapi

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"herald/actor"
	"herald/config"
	"herald/oauth"
	"herald/ratelimit"
	"herald/respond"
	"herald/store"
)

// Store is what the client API reads from and writes to the store.
type Store interface {
	OutboxBetween(handle string, after, before time.Time, oldestFirst bool, limit int) ([]store.OutboxEntry, error)
	Document(id string) ([]byte, error)
	SeenItems(handle string) (map[string]store.SeenItem, error)
	Interactions(object, kind string, limit int) (items []store.Interaction, total int, err error)
	InteractionsOn(prefix string) ([]store.Interaction, error)
	InteractionsFor(actorID string, after, before time.Time, newestFirst bool, limit int) ([]store.Interaction, error)
	FollowerCount(handle string) (int, error)
	Followers(handle string) ([]store.Follower, error)
	RemoteActor(id string) (a store.RemoteActor, found bool, err error)
	PublishStatus(st store.LocalStatus, note, create store.Document, now time.Time) (saved store.LocalStatus, queued int, err error)
	LocalStatus(id uint64) (st store.LocalStatus, found bool, err error)
	LocalStatuses(handle string) ([]store.LocalStatus, error)
	DeleteStatus(id uint64, tombstone, del store.Document, now time.Time) (deleted store.LocalStatus, queued int, err error)
	NotificationDismissals(handle string) (store.Dismissals, error)
	DismissNotification(handle string, id uint64) error
	ClearNotifications(handle string, through uint64) error
	OAuthApp(clientID string) (store.OAuthApp, error)
	AddAudit(e store.AuditEntry) error
	AddScheduledStatus(st store.ScheduledStatus) error
	ScheduledStatus(id uint64) (st store.ScheduledStatus, found bool, err error)
	ScheduledStatuses(handle string) ([]store.ScheduledStatus, error)
	DueScheduledStatuses(now time.Time, limit int) ([]store.ScheduledStatus, error)
	RescheduleStatus(id uint64, at time.Time) (store.ScheduledStatus, error)
	CancelScheduledStatus(id uint64) (store.ScheduledStatus, error)
	MarkConversation(handle string, id uint64, read, hidden uint64) error
	ConversationMarks(handle string) (map[uint64]store.ConversationMark, error)
	SetMarker(handle, timeline string, lastReadID uint64, at time.Time) (store.Marker, error)
	Markers(handle string) (map[string]store.Marker, error)
}

// Remote finds remote accounts (remote.Resolver does): by WebFinger for
// a mention, by actor id for the author of a post answered.
type Remote interface {
	Lookup(ctx context.Context, acct string) (store.RemoteActor, error)
	Actor(ctx context.Context, id string) (store.RemoteActor, error)
}

// Deliveries is told when posts were queued (delivery.Deliverer is).
type Deliveries interface {
	Notify()
}

// Accounts knows the local accounts (accounts.Registry does).
type Accounts interface {
	Known(handle string) bool
	Published(handle string) bool
	Handles() []string
	Feed(handle string) config.Feed
	Profile(handle string) (actor.Profile, error)
	// SigningKey signs the activities of posts that go to relays with the
	// account's LD signature (relays.go).
	SigningKey(handle, keyName string) (keyID string, key *rsa.PrivateKey, err error)
}

// Auth resolves a request's access token (oauth.Server does).
type Auth interface {
	Authenticate(r *http.Request) (a oauth.Access, present bool, err error)
}

// Options are what an API needs; all are required.
type Options struct {
	Config     *config.Config
	Store      Store
	Accounts   Accounts
	Auth       Auth
	Remote     Remote
	Deliveries Deliveries
	Render     *actor.Renderer
	Log        *slog.Logger
	Now        func() time.Time
	// Version is Herald's, reported in the instance's version string.
	Version string
}

// Requests one token (or, without one, one client address) may make, as
// Mastodon's throttles allow: 300 every 5 minutes.
const (
	requestLimit   = 300
	requestPer     = 5 * time.Minute
	maxLimiterKeys = 10000
)

// exposed are the answer headers scripts of other origins may read.
var exposed = []string{"Link", "X-RateLimit-Reset", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-Request-Id"}

// API answers the client API. It is safe for concurrent use.
type API struct {
	o      Options
	limits *ratelimit.Limiter
	images images
}

// New returns an API.
func New(o Options) (*API, error) {
	if o.Config == nil || o.Store == nil || o.Accounts == nil || o.Auth == nil || o.Remote == nil || o.Deliveries == nil ||
		o.Render == nil || o.Log == nil || o.Now == nil {
		return nil, errors.New("clientapi: Config, Store, Accounts, Auth, Remote, Deliveries, Render, Log and Now are required")
	}
	return &API{o: o, limits: ratelimit.New(requestLimit, requestPer, maxLimiterKeys), images: newImages()}, nil
}

// Routes maps the client API on mux. Paths under /api/ that it does not
// know answer 404 in JSON; OPTIONS is a CORS preflight.
func (a *API) Routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/instance", a.endpoint(anyone, a.handleInstanceV1))
	mux.HandleFunc("GET /api/v2/instance", a.endpoint(anyone, a.handleInstanceV2))
	mux.HandleFunc("GET /api/v1/accounts/verify_credentials", a.endpoint(signedIn("read", "read:accounts", "profile"), a.handleVerifyCredentials))
	mux.HandleFunc("GET /api/v1/accounts/lookup", a.endpoint(ifToken("read", "read:accounts"), a.handleLookup))
	mux.HandleFunc("GET /api/v1/accounts/search", a.endpoint(signedIn("read", "read:accounts"), a.handleAccountSearch))
	mux.HandleFunc("GET /api/v2/search", a.endpoint(ifToken("read", "read:search"), a.handleSearch))
	mux.HandleFunc("GET /api/v1/accounts/relationships", a.endpoint(signedIn("read", "read:follows"), a.handleRelationships))
	mux.HandleFunc("GET /api/v1/accounts/familiar_followers", a.endpoint(signedIn("read", "read:follows"), a.handleFamiliarFollowers))
	mux.HandleFunc("GET /api/v1/accounts/{id}", a.endpoint(ifToken("read", "read:accounts"), a.handleAccount))
	mux.HandleFunc("GET /api/v1/accounts/{id}/statuses", a.endpoint(ifToken("read", "read:statuses"), a.handleAccountStatuses))
	mux.HandleFunc("GET /api/v1/statuses/{id}", a.endpoint(ifToken("read", "read:statuses"), a.handleStatus))
	mux.HandleFunc("GET /api/v1/statuses/{id}/context", a.endpoint(ifToken("read", "read:statuses"), a.handleContext))
	mux.HandleFunc("POST /api/v1/statuses", a.endpoint(signedIn("write", "write:statuses"), a.handlePostStatus))
	mux.HandleFunc("DELETE /api/v1/statuses/{id}", a.endpoint(signedIn("write", "write:statuses"), a.handleDeleteStatus))
	mux.HandleFunc("GET /api/v1/scheduled_statuses", a.endpoint(signedIn("read", "read:statuses"), a.handleScheduledStatuses))
	mux.HandleFunc("GET /api/v1/scheduled_statuses/{id}", a.endpoint(signedIn("read", "read:statuses"), a.handleScheduledStatus))
	mux.HandleFunc("PUT /api/v1/scheduled_statuses/{id}", a.endpoint(signedIn("write", "write:statuses"), a.handleReschedule))
	mux.HandleFunc("DELETE /api/v1/scheduled_statuses/{id}", a.endpoint(signedIn("write", "write:statuses"), a.handleCancelScheduled))
	mux.HandleFunc("GET /api/v1/timelines/home", a.endpoint(signedIn("read", "read:statuses"), a.handleHome))
	mux.HandleFunc("GET /api/v1/conversations", a.endpoint(signedIn("read", "read:statuses"), a.handleConversations))
	mux.HandleFunc("POST /api/v1/conversations/{id}/read", a.endpoint(signedIn("write", "write:conversations"), a.handleReadConversation))
	mux.HandleFunc("DELETE /api/v1/conversations/{id}", a.endpoint(signedIn("write", "write:conversations"), a.handleHideConversation))
	mux.HandleFunc("GET /api/v1/notifications", a.endpoint(signedIn("read", "read:notifications"), a.handleNotifications))
	mux.HandleFunc("GET /api/v1/notifications/{id}", a.endpoint(signedIn("read", "read:notifications"), a.handleNotification))
	mux.HandleFunc("POST /api/v1/notifications/{id}/dismiss", a.endpoint(signedIn("write", "write:notifications"), a.handleDismiss))
	mux.HandleFunc("POST /api/v1/notifications/clear", a.endpoint(signedIn("write", "write:notifications"), a.handleClear))
	mux.HandleFunc("GET /api/v2/notifications", a.endpoint(signedIn("read", "read:notifications"), a.handleGroupedNotifications))
	mux.HandleFunc("GET /api/v2/notifications/unread_count", a.endpoint(signedIn("read", "read:notifications"), a.handleUnreadCount))
	mux.HandleFunc("GET /api/v2/notifications/{group_key}", a.endpoint(signedIn("read", "read:notifications"), a.handleNotificationGroup))
	mux.HandleFunc("POST /api/v2/notifications/{group_key}/dismiss", a.endpoint(signedIn("write", "write:notifications"), a.handleDismissGroup))
	mux.HandleFunc("POST /api/v2/notifications/clear", a.endpoint(signedIn("write", "write:notifications"), a.handleClear))
	a.startupRoutes(mux)
	mux.HandleFunc("OPTIONS /api/", respond.Preflight("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"))
	mux.HandleFunc("/api/", a.endpoint(anyone, func(w http.ResponseWriter, _ *http.Request, _ oauth.Access) {
		respond.Error(w, http.StatusNotFound, "Record not found")
	}))
	mux.HandleFunc("GET "+missingAvatar, a.images.serveAvatar)
	mux.HandleFunc("GET "+missingHeader, a.images.serveHeader)
}

// rule is who may call an endpoint.
type rule struct {
	// token: "" (no token needed; one, if given, must have a scope),
	// "user" (a token for an account, with one of scopes), "none" (the
	// token is not looked at).
	token  string
	scopes []string
}

var anyone = rule{token: "none"}

// ifToken is Mastodon's authorize_if_got_token!: public, but a token, if
// given, must be valid and have one of scopes.
func ifToken(scopes ...string) rule { return rule{scopes: scopes} }

// signedIn is doorkeeper_authorize! and require_user!: a token for an
// account, with one of scopes.
func signedIn(scopes ...string) rule { return rule{token: "user", scopes: scopes} }

// endpoint wraps a handler: CORS and cache headers, the token as rule
// asks, and the rate limit (per token, else per client address) with
// Mastodon's X-RateLimit headers.
func (a *API) endpoint(rl rule, h func(http.ResponseWriter, *http.Request, oauth.Access)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		respond.AllowCORS(w, exposed...)
		w.Header().Set("Cache-Control", "no-cache, no-store, max-age=0, must-revalidate")
		access, ok := a.authorize(w, r, rl)
		if !ok {
			return
		}
		key := "ip:" + ratelimit.ClientIP(r)
		if access.TokenID != "" {
			key = "token:" + access.TokenID
		}
		now := a.o.Now()
		allowed, _ := a.limits.Allow(key, now)
		remaining, full := a.limits.Remaining(key, now)
		w.Header().Set("X-RateLimit-Limit", strconv.Itoa(a.limits.Limit()))
		w.Header().Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
		w.Header().Set("X-RateLimit-Reset", full.UTC().Format(timeFormat))
		if !allowed {
			respond.Error(w, http.StatusTooManyRequests, "Too many requests")
			return
		}
		h(w, r, access)
	}
}

// authorize applies rl to r's token; when it refuses, it has answered.
func (a *API) authorize(w http.ResponseWriter, r *http.Request, rl rule) (oauth.Access, bool) {
	if rl.token == "none" {
		return oauth.Access{}, true
	}
	access, present, err := a.o.Auth.Authenticate(r)
	switch {
	case rl.token == "user" && (!present || err != nil):
		oauth.WriteTokenError(w, a.o.Log, r, present, err)
		return oauth.Access{}, false
	case present && errors.Is(err, oauth.ErrInvalidToken):
		// Doorkeeper finds no token, so the request is anonymous.
		access, present = oauth.Access{}, false
	case present && err != nil:
		oauth.WriteTokenError(w, a.o.Log, r, present, err)
		return oauth.Access{}, false
	}
	if !present && a.o.Config.AuthorizedFetch {
		respond.Error(w, http.StatusUnauthorized, "This method requires an authenticated user")
		return oauth.Access{}, false
	}
	if present && !access.Allows(rl.scopes...) {
		oauth.WriteScopeError(w, rl.scopes...)
		return oauth.Access{}, false
	}
	if rl.token == "user" && access.Handle == "" {
		respond.Error(w, http.StatusUnprocessableEntity, "This method requires an authenticated user")
		return oauth.Access{}, false
	}
	return access, true
}

// visible reports whether handle may be shown to the holder of access:
// an account Herald serves that is published (ownership), or the one the
// token is for.
func (a *API) visible(handle string, access oauth.Access) bool {
	return a.o.Accounts.Known(handle) && (a.o.Accounts.Published(handle) || access.Handle == handle)
}

// notFound answers 404 as Mastodon does for a missing record.
func notFound(w http.ResponseWriter) {
	respond.Error(w, http.StatusNotFound, "Record not found")
}

// looked answers a look-up that failed (500) or found nothing (404), and
// reports whether the handler goes on with what it found.
func (a *API) looked(w http.ResponseWriter, r *http.Request, found bool, err error) bool {
	if err != nil {
		respond.InternalError(w, a.o.Log, r, err)
		return false
	}
	if !found {
		notFound(w)
		return false
	}
	return true
}

// writeJSON answers 200 with v as compact JSON.
func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false) // Mastodon writes content's HTML as it is
	_ = enc.Encode(v)
}
