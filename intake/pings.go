package intake

import (
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"herald/metrics"
	"herald/store"
)

// DefaultPingInterval is the least time between two fetches that pings for
// one feed may cause.
const DefaultPingInterval = 5 * time.Second

// pingLimiter turns change notifications (update pings, WebSub publish
// notifications) into immediate polls, at most one per interval per feed,
// across all replicas: the time of the last fetch a ping caused is in the
// store (take is Store.TakePingFetch). A notification inside the interval
// is not lost: it schedules one more poll at the end of the interval,
// dropped when another replica's ping-caused fetch started after it, so a
// burst of any size costs at most two fetches, and the last change of a
// burst is always seen. Polls go through the poller (poll) and so keep the
// feed's conditional GET.
type pingLimiter struct {
	interval time.Duration
	poll     func(handle string) bool
	take     func(handle string, now time.Time, interval time.Duration) (time.Time, bool, error)
	now      func() time.Time
	log      *slog.Logger

	mu       sync.Mutex
	trailing map[string]*time.Timer // the poll scheduled at the end of the interval
	latest   map[string]time.Time   // the latest ping that the trailing poll is for
	closed   bool
}

func newPingLimiter(interval time.Duration, poll func(string) bool,
	take func(string, time.Time, time.Duration) (time.Time, bool, error), now func() time.Time, log *slog.Logger) *pingLimiter {
	if interval <= 0 {
		interval = DefaultPingInterval
	}
	return &pingLimiter{interval: interval, poll: poll, take: take, now: now, log: log,
		trailing: map[string]*time.Timer{}, latest: map[string]time.Time{}}
}

// Ping handles a notification for handle. It returns 0 when a poll starts
// now, or how long until the deferred poll when the feed was polled for a
// ping less than an interval ago (the ping is coalesced into that poll).
// ok is false when no poll follows: the limiter is closed (Herald is
// stopping) or the poller does not know the feed.
func (l *pingLimiter) Ping(handle string) (deferred time.Duration, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return 0, false
	}
	now := l.now()
	last, took, err := l.take(handle, now, l.interval)
	if err != nil {
		l.log.Error("coalesce a ping; polling at once", "handle", handle, "error", err)
		return 0, l.poll(handle)
	}
	if took {
		return 0, l.poll(handle)
	}
	wait := last.Add(l.interval).Sub(now)
	l.latest[handle] = now
	if l.trailing[handle] == nil {
		l.trailing[handle] = time.AfterFunc(wait, func() { l.fire(handle) })
	}
	return wait, true
}

// fire runs a deferred poll, unless a ping-caused fetch (by any replica)
// started after the latest ping it is for.
func (l *pingLimiter) fire(handle string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.trailing, handle)
	if l.closed {
		return
	}
	now := l.now()
	last, took, err := l.take(handle, now, l.interval)
	switch {
	case err != nil || took:
		delete(l.latest, handle)
		l.poll(handle)
	case !last.Before(l.latest[handle]):
		delete(l.latest, handle) // that fetch sees the change
	default:
		l.trailing[handle] = time.AfterFunc(last.Add(l.interval).Sub(now), func() { l.fire(handle) })
	}
}

// Close cancels deferred polls; later pings are refused.
func (l *pingLimiter) Close() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.closed = true
	for h, t := range l.trailing {
		t.Stop()
		delete(l.trailing, h)
	}
}

// feedsForSite returns the handles of the configured feeds that a
// notification naming urls (a site's home page, a feed URL) is about: a
// feed whose URL is one of them, lies under one of them, or whose site (as
// its feed says) is one of them. Matching ignores the scheme, "www.", a
// default port and a trailing slash: a WordPress site pings with its home
// URL, which often differs from the configured feed URL in just those.
func (p *Poller) feedsForSite(urls ...string) []string {
	var keys []string
	for _, u := range urls {
		if k := siteKey(u); k != "" {
			keys = append(keys, k)
		}
	}
	var handles []string
	for _, f := range p.o.Config.Feeds {
		feedKey := siteKey(f.URL)
		st, err := p.o.Store.FeedState(f.Handle)
		if err != nil {
			p.o.Log.Error("read feed state", "handle", f.Handle, "error", err)
			continue
		}
		homeKey := siteKey(st.SiteURL)
		for _, k := range keys {
			if k == feedKey || strings.HasPrefix(feedKey, k+"/") || (homeKey != "" && k == homeKey) {
				handles = append(handles, f.Handle)
				break
			}
		}
	}
	return handles
}

// siteKey normalises a URL for matching: host lowercased without "www."
// and default port, then the path without a trailing slash, then the query.
func siteKey(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return ""
	}
	host := strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
	if port := u.Port(); port != "" && port != "80" && port != "443" {
		host += ":" + port
	}
	key := host + strings.TrimRight(u.EscapedPath(), "/")
	if u.RawQuery != "" {
		key += "?" + u.RawQuery
	}
	return key
}

// IsSiteURL reports whether raw can name a site or feed in a notification:
// an absolute http(s) URL.
func IsSiteURL(raw string) bool { return siteKey(raw) != "" }

// Notify records a change notification (via says how it came: "api",
// "websub", "xmlrpc METHOD") for every feed of the site that urls name, and
// starts (or defers) their polls. It returns the handles concerned, the
// longest deferral among the polls it caused, and whether it caused any:
// accepted is false when every feed concerned was refused (paused through
// the admin API, or Herald is stopping).
func (p *Poller) Notify(via string, urls ...string) (handles []string, deferred time.Duration, accepted bool) {
	handles = p.feedsForSite(urls...)
	kind, _, _ := strings.Cut(via, " ")
	metrics.Count(p.o.Metrics.Pings, kind, strconv.FormatBool(len(handles) > 0))
	for _, h := range handles {
		if err := p.o.Store.RecordPing(h, store.Ping{At: p.o.Now().UTC(), Via: via, Source: firstURL(urls)}); err != nil {
			p.o.Log.Error("record ping", "handle", h, "error", err)
		}
		if _, paused, err := p.o.Store.Paused(h); err != nil || paused {
			continue
		}
		if wait, ok := p.pings.Ping(h); ok {
			deferred, accepted = max(deferred, wait), true
		}
	}
	if len(handles) > 0 {
		p.o.Log.Info("change notification", "via", via, "urls", urls, "handles", handles,
			"deferred", deferred.Round(time.Millisecond), "accepted", accepted)
	}
	return handles, deferred, accepted
}

// PingInterval is the least time between two fetches of one feed that
// notifications cause.
func (p *Poller) PingInterval() time.Duration { return p.pings.interval }

// firstURL is the first URL of a notification that is not blank, for the
// record.
func firstURL(urls []string) string {
	for _, u := range urls {
		if u = strings.TrimSpace(u); u != "" {
			return u
		}
	}
	return ""
}
