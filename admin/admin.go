// Package admin answers the operators' and publishers' HTTP endpoints: the
// admin API (/admin/api/...: accounts, feeds and their health, followers,
// pause and resume, feed edits, the delivery queue, backups, the audit
// log of the client API's sign-ins), the
// statistics pages (/admin/, signed in with a token) and /metrics. Tokens
// come from the config: operators see everything, publishers their own
// accounts. It declares what it needs of the store (Store) and of the
// other components.
package admin

import (
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"herald/actor"
	"herald/config"
	"herald/dashboard"
	"herald/delivery"
	"herald/intake"
	"herald/metrics"
	"herald/store"
)

// Store is what the admin endpoints read and change in the store.
type Store interface {
	StatusStore
	delivery.StatusStore
	Followers(handle string) ([]store.Follower, error)
	FollowerHistory(handle string) ([]store.DayCount, error)
	SetPaused(handle string, paused bool, at time.Time) error
	Interactions(object, kind string, limit int) (items []store.Interaction, total int, err error)
	DeliveryStats(activityID string) (st store.ActivityStats, found bool, err error)
	Size() (int64, error)
	Backup(w io.Writer) (int64, error)
	Audit(before time.Time, limit int) ([]store.AuditEntry, error)
}

// Accounts knows the local accounts (accounts.Registry does).
type Accounts interface {
	Known(handle string) bool
	Feed(handle string) config.Feed
	Profile(handle string) (actor.Profile, error)
}

// Intake reports on feeds and polls them (intake.Poller does).
type Intake interface {
	Health(handle string) (intake.FeedHealth, error)
	PollNow(handle string) bool
}

// Options are what an Admin needs; all are required but Editor (nil
// answers feed edits 409).
type Options struct {
	Config   *config.Config
	Store    Store
	Accounts Accounts
	Intake   Intake
	Render   *actor.Renderer
	Pages    *dashboard.Pages
	Metrics  *metrics.Metrics
	Editor   ConfigEditor
	Relays   Relays
	// Answerer lists and answers what accounts received, for the
	// conversations pages.
	Answerer Answerer
	Log      *slog.Logger
	Now      func() time.Time
	// Replica is this process's id among the replicas sharing the store
	// (shown by the deliveries endpoint).
	Replica string
}

// Admin holds the admin handlers. It is safe for concurrent use.
type Admin struct {
	o Options
}

// New returns an Admin.
func New(o Options) (*Admin, error) {
	if o.Config == nil || o.Store == nil || o.Accounts == nil || o.Intake == nil || o.Render == nil ||
		o.Pages == nil || o.Metrics == nil || o.Relays == nil || o.Answerer == nil || o.Log == nil || o.Now == nil {
		return nil, errors.New("admin: Config, Store, Accounts, Intake, Render, Pages, Metrics, Relays, Answerer, Log and Now are required")
	}
	return &Admin{o: o}, nil
}

// knownHandle returns the lowercased {handle} of the request path and
// whether Herald serves it.
func (a *Admin) knownHandle(r *http.Request) (string, bool) {
	handle := strings.ToLower(r.PathValue("handle"))
	return handle, a.o.Accounts.Known(handle)
}
