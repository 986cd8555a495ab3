// Package server answers Herald's public HTTP endpoints: WebFinger,
// host-meta and NodeInfo; actors, posts, activities and collections (with
// authorized fetch when configured); the inbox (handed to package inbox);
// update pings and WebSub (handed to package intake); the hashtag pages, the
// server page and its policies (rendered by package public), and the
// health checks. routes.go maps every URL, the admin ones through
// package admin, the Mastodon client API and its sign-in through packages
// clientapi and oauth. Handlers are thin: they read the request, ask the package
// that owns the work, and answer with package respond. It declares what it
// needs of the store (Store) and of each component.
package server

import (
	"context"
	"crypto/rsa"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"herald/actor"
	"herald/config"
	"herald/dashboard"
	"herald/public"
	"herald/signature"
	"herald/store"
)

// Store is what the public endpoints read from the store.
type Store interface {
	FeedState(handle string) (store.FeedState, error)
	SeenItems(handle string) (map[string]store.SeenItem, error)
	Outbox(handle string, before time.Time, limit int) (entries []store.OutboxEntry, total int, err error)
	FollowerCount(handle string) (int, error)
	Followers(handle string) ([]store.Follower, error)
	Document(id string) ([]byte, error)
	Tombstone(id string) ([]byte, error)
	Interactions(object, kind string, limit int) (items []store.Interaction, total int, err error)
	Size() (int64, error)
}

// Accounts knows the local accounts (accounts.Registry does).
type Accounts interface {
	Known(handle string) bool
	Published(handle string) bool
	OwnsPost(id string) bool
	Feed(handle string) config.Feed
	Style(handle string) actor.Style
	Profile(handle string) (actor.Profile, error)
	InstanceKey() (keyID string, key *rsa.PrivateKey, publicPEM string)
}

// Intake takes change notifications and WebSub callbacks (intake.Poller
// does).
type Intake interface {
	Notify(via string, urls ...string) (handles []string, deferred time.Duration, accepted bool)
	PingInterval() time.Duration
	VerifyIntent(handle string, q url.Values) (challenge string, err error)
	Push(ctx context.Context, handle, signatureHeader string, body []byte) error
}

// Inbox takes POSTed activities and checks signed GETs (inbox.Inbox does).
type Inbox interface {
	http.Handler
	Verify(ctx context.Context, r *http.Request, body []byte) (signature.Verified, error)
	Blocked(id string) bool
}

// Admin adds the admin API, the statistics pages and /metrics to the
// routes (admin.Admin does).
type Admin interface {
	Routes(mux *http.ServeMux)
}

// ClientAPI adds the Mastodon client API (clientapi.API does) or its
// OAuth sign-in (oauth.Server does) to the routes.
type ClientAPI interface {
	Routes(mux *http.ServeMux)
}

// Options are what a Server needs; all are required but Now.
type Options struct {
	Config   *config.Config
	Store    Store
	Accounts Accounts
	Render   *actor.Renderer
	Intake   Intake
	Inbox    Inbox
	Admin    Admin
	// OAuth and ClientAPI answer Mastodon apps: the sign-in and the API.
	OAuth     ClientAPI
	ClientAPI ClientAPI
	Pages     *dashboard.Pages
	Public    *public.Pages
	// Client is the outbound client (package outbound); the follow form
	// looks up the visitor's server with it.
	Client *http.Client
	Log    *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Version is reported in NodeInfo.
	Version string
}

// Server holds the public handlers. It is safe for concurrent use.
type Server struct {
	o       Options
	handler http.Handler
}

// New returns a Server whose Handler answers every URL of routes.go.
func New(o Options) (*Server, error) {
	if o.Config == nil || o.Store == nil || o.Accounts == nil || o.Render == nil || o.Intake == nil ||
		o.Inbox == nil || o.Admin == nil || o.OAuth == nil || o.ClientAPI == nil || o.Pages == nil || o.Public == nil || o.Client == nil || o.Log == nil {
		return nil, errors.New("server: Config, Store, Accounts, Render, Intake, Inbox, Admin, OAuth, ClientAPI, Pages, Public, Client and Log are required")
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	s := &Server{o: o}
	s.handler = behindProxies(o.Config.TrustedProxyPrefixes(), s.routes())
	return s, nil
}

// Handler returns the handler of every URL Herald answers.
func (s *Server) Handler() http.Handler { return s.handler }

// knownHandle returns the lowercased {handle} of the request path and
// whether Herald serves it.
func (s *Server) knownHandle(r *http.Request) (string, bool) {
	handle := strings.ToLower(r.PathValue("handle"))
	return handle, s.o.Accounts.Known(handle)
}
