package inbox

import (
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"

	"herald/actor"
	"herald/config"
	"herald/ratelimit"
	"herald/signature"
)

// Bounds of the inbox's in-memory state.
const (
	// replayCacheSize is how many verified signatures are remembered for
	// replay detection (each costs about 100 bytes).
	replayCacheSize = 100_000
	// rateLimiterKeys is how many client IPs or hosts are tracked at once.
	rateLimiterKeys = 50_000
	// verifyWaiting is how many admitted requests may be reading their body
	// or waiting for a verification slot (with bodies up to 1 MiB, this and
	// the slots bound the memory bodies take).
	verifyWaiting = 128
	// verifyPerClient is how many of those may come from one client IP.
	verifyPerClient = 64
	// verifySlotsPerCPU is how many requests per core may be verified at
	// once. A verification mostly waits for the sender's key to be fetched
	// (an unsigned GET, see remote.Resolver); the RSA check itself is short.
	verifySlotsPerCPU = 16
)

// guard holds what protects the inbox: blocks, rate limits, the
// verification queue and the replay cache. It is safe for concurrent use.
type guard struct {
	blockedDomains map[string]bool // from the config
	blockedActors  map[string]bool
	subscribed     *domainSet // from the blocklist subscription
	perIP, perHost *ratelimit.Limiter
	queue          *verifyQueue
	replay         *signature.ReplayCache
	keys           *keyCache
}

func newGuard(in config.Inbox) *guard {
	rate := in.RateLimit
	if rate == 0 {
		rate = config.DefaultInboxRate
	}
	burst := in.RateBurst
	if burst == 0 {
		burst = int(10 * rate)
	}
	g := &guard{
		blockedDomains: map[string]bool{},
		blockedActors:  map[string]bool{},
		subscribed:     &domainSet{},
		perIP:          ratelimit.NewRate(rate, burst, rateLimiterKeys),
		perHost:        ratelimit.NewRate(rate, burst, rateLimiterKeys),
		queue:          newVerifyQueue(verifySlotsPerCPU*runtime.GOMAXPROCS(0), verifyWaiting, verifyPerClient),
		replay:         signature.NewReplayCache(replayCacheSize),
		keys:           newKeyCache(),
	}
	for _, a := range in.BlockedActors {
		g.blockedActors[a] = true
	}
	for _, d := range in.BlockedDomains {
		g.blockedDomains[d] = true
	}
	return g
}

// blocked reports whether id (an actor or key id) is blocked: listed
// itself, or on a blocked domain or one of its subdomains.
func (g *guard) blocked(id string) bool {
	if g.blockedActors[id] || g.blockedActors[actor.WithoutFragment(id)] {
		return true
	}
	host := actor.Domain(id)
	if host == "" {
		return false
	}
	listed := g.subscribed.load()
	for d := host; ; {
		if g.blockedDomains[d] || listed[d] {
			return true
		}
		_, parent, ok := strings.Cut(d, ".")
		if !ok {
			return false
		}
		d = parent
	}
}

// domainSet is a set of domains replaced as a whole (by each fetch of a
// blocklist) and read without locking. Safe for concurrent use.
type domainSet struct {
	p atomic.Pointer[map[string]bool]
}

func (s *domainSet) load() map[string]bool {
	if m := s.p.Load(); m != nil {
		return *m
	}
	return nil
}

func (s *domainSet) store(m map[string]bool) { s.p.Store(&m) }

// activityJSONType reports whether a Content-Type may carry an activity:
// application/activity+json, application/ld+json (with any profile) or
// application/json, which some servers send. A missing one is accepted, as
// Mastodon accepts it.
func activityJSONType(ct string) bool {
	if ct == "" {
		return true
	}
	media, _, _ := strings.Cut(ct, ";")
	switch strings.ToLower(strings.TrimSpace(media)) {
	case "application/activity+json", "application/ld+json", "application/json":
		return true
	}
	return false
}

// dropBlockedFollowers removes every follower the block lists name, so a
// block added to the config takes effect on the next start even for
// followers that never post again.
func (in *Inbox) dropBlockedFollowers() error {
	for _, handle := range in.o.Accounts.Handles() {
		followers, err := in.o.Store.Followers(handle)
		if err != nil {
			return fmt.Errorf("blocked followers of %s: %w", handle, err)
		}
		for _, f := range followers {
			if !in.guard.blocked(f.ID) {
				continue
			}
			if _, err := in.o.Store.RemoveFollower(handle, f.ID); err != nil {
				return err
			}
			in.o.Log.Info("blocked follower removed", "handle", handle, "follower", f.ID)
		}
	}
	return nil
}
