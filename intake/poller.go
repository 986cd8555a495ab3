package intake

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"

	"herald/config"
	"herald/feeds"
	"herald/metrics"
	"herald/store"
)

// maxPollBackoff caps the wait after repeated failures.
const maxPollBackoff = time.Hour

// pollOnce polls f and returns the wait until its next poll: the feed's
// interval (growing while it is quiet), doubled per failure in a row up to
// an hour, longer if the site asked with Retry-After, shorter if a held
// post falls due first; negative once the feed is disabled (410 Gone).
//
// A replica that does not hold the feed's lease does not poll it, and
// returns the wait until that lease ends (see holdLease).
func (p *Poller) pollOnce(ctx context.Context, f config.Feed) time.Duration {
	if wait, held := p.holdLease(f.Handle); !held {
		return wait
	}
	err := p.Poll(ctx, f)
	st, stErr := p.o.Store.FeedState(f.Handle)
	if stErr != nil {
		p.o.Log.Error("read feed state", "handle", f.Handle, "error", stErr)
	}
	if st.Disabled {
		p.o.Log.Warn("feed disabled", "handle", f.Handle, "status", st.Status)
		return -1
	}
	interval := p.interval(f, st)
	renew, pushed := p.maintainSubscription(ctx, f, st)
	if pushed && err == nil {
		interval = max(interval, p.o.Config.PushPoll()) // the hub pushes; poll for safety only
	}
	wait := nextPollDelay(interval, st.Failures)
	if renew > 0 && renew < wait {
		wait = renew
	}
	if err != nil && ctx.Err() == nil {
		// A site that says when to come back (429, 503) is obeyed.
		var httpErr *feeds.HTTPError
		if errors.As(err, &httpErr) && httpErr.RetryAfter > wait {
			wait = min(httpErr.RetryAfter, maxPollBackoff*24)
		}
		p.o.Log.Warn("poll failed", "handle", f.Handle, "feed_url", st.URL, "failures", st.Failures, "retry_in", wait.Round(time.Second), "error", err)
	}
	return p.untilDue(f.Handle, wait)
}

// interval is f's poll interval now: poll_interval while the feed is
// active, growing to a tenth of the time since its newest item, up to
// max_poll_interval.
func (p *Poller) interval(f config.Feed, st store.FeedState) time.Duration {
	shortest, longest := p.o.Config.PollBounds(f)
	if st.NewestItem.IsZero() || longest == shortest {
		return shortest
	}
	quiet := p.o.Now().Sub(st.NewestItem) / 10
	return max(shortest, min(quiet, longest))
}

// untilDue shortens wait so that the feed is polled when its first held
// post falls due (a poll publishes it, even on a 304).
func (p *Poller) untilDue(handle string, wait time.Duration) time.Duration {
	schedule, err := p.o.Store.Schedule(handle)
	if err != nil {
		return wait
	}
	// A post already due waits for the next successful poll: waking at
	// once would hammer a failing site.
	if d := nextDue(schedule).Sub(p.o.Now()); d > 0 && d < wait {
		return d
	}
	return wait
}

// fetch fetches st.URL. When the configured URL turns out to be a web
// page, it looks for the page's feed (once per configured URL) and fetches
// that instead; st.URL then holds the feed from now on.
func (p *Poller) fetch(ctx context.Context, f config.Feed, st *store.FeedState, v feeds.Validators) (*feeds.Result, error) {
	res, err := p.o.Fetcher.Fetch(ctx, st.URL, v)
	if errors.Is(err, feeds.ErrHTMLPage) && st.DiscoveredFeed == "" && st.URL == f.URL {
		d, derr := p.o.Fetcher.Discover(ctx, st.URL)
		if derr != nil {
			return nil, fmt.Errorf("%w; looking for its feed: %w", err, derr)
		}
		feed := d.Preferred(f.PreferFormat)
		if feed == "" {
			return nil, fmt.Errorf("%w that links to no RSS, Atom or JSON feed", err)
		}
		p.o.Log.Info("feed discovered", "handle", f.Handle, "page", st.URL, "feed", feed, "api", d.API)
		st.URL, st.DiscoveredFeed, st.API = feed, feed, d.API
		st.ETag, st.LastModified = "", ""
		res, err = p.o.Fetcher.Fetch(ctx, st.URL, feeds.Validators{})
	}
	if err != nil {
		return nil, err
	}
	if api := res.Links[feeds.RelWordPressAPI]; api != "" {
		st.API = api
	}
	if res.Feed != nil { // a 304 says nothing about the hub
		st.Hub = cmp.Or(res.Links["hub"], res.Feed.Hub)
	}
	return res, nil
}

// apiRetry is how long Herald leaves a failing REST API alone.
const apiRetry = time.Hour

// enrich adds what the WordPress REST API tells to the items of feed, when
// the site has one that answered lately. A blocked API (many sites block
// it) only leaves the items as the feed gives them.
func (p *Poller) enrich(ctx context.Context, f config.Feed, st *store.FeedState, feed *feeds.Feed, now time.Time) {
	if st.API == "" || now.Sub(st.APIFailed) < apiRetry {
		return
	}
	posts, err := p.o.Fetcher.WordPressPosts(ctx, st.API)
	if err != nil {
		st.APIStatus, st.APIFailed = "unavailable: "+err.Error(), now
		p.o.Log.Info("WordPress REST API unavailable; using the feed alone", "handle", f.Handle, "api", st.API, "error", err)
		return
	}
	feeds.Enrich(feed.Items, posts)
	st.APIStatus, st.APIFailed = "ok", time.Time{}
}

// freshState returns st for f: as it is, or started afresh when the
// configured URL changed (a moved or disabled feed gets another chance).
// Whether the feed was ever initialised is kept: a new URL for the same
// account is not a first import, and items published after the old URL's
// last good poll are delivered. The older ones of the new source are not
// (NewSourceSince): they would reach followers as new posts, twice when
// the old source had them under other ids.
func freshState(st store.FeedState, f config.Feed) store.FeedState {
	if st.ConfigURL == "" && st.URL == f.URL {
		st.ConfigURL = f.URL // a state from before ConfigURL was kept
	}
	if st.ConfigURL != f.URL {
		since := st.NewSourceSince
		if since.IsZero() && st.Initialised {
			// Feeds date items to the second: an item of the last good
			// poll's second may be newer than the poll, and is delivered.
			since = st.LastSuccess.Truncate(time.Second)
		}
		st = store.FeedState{URL: f.URL, ConfigURL: f.URL, Initialised: st.Initialised, NewSourceSince: since}
	}
	return st
}

// failed books a failed fetch in st: a 410 Gone disables the feed.
func failed(st *store.FeedState, err error) {
	st.Failures++
	st.LastError = err.Error()
	st.Status = "failing: " + st.LastError
	var httpErr *feeds.HTTPError
	if errors.As(err, &httpErr) && httpErr.StatusCode == http.StatusGone {
		st.Disabled = true
		st.Status = "disabled: the feed answered 410 Gone; change its url in the config to poll it again"
	}
}

// nextPollDelay is the interval, doubled per failure in a row up to
// maxPollBackoff (never below the interval), with ±10% jitter.
func nextPollDelay(interval time.Duration, failures int) time.Duration {
	wait := interval
	for i := 0; i < failures && wait < maxPollBackoff; i++ {
		wait *= 2
	}
	if failures > 0 {
		wait = max(min(wait, maxPollBackoff), interval)
	}
	jitter := time.Duration(rand.Int64N(int64(wait)/5+1)) - wait/10
	return wait + jitter
}

// Poll fetches f once and publishes its changes. The first successful poll
// only records the items already there; later polls deliver new items as
// Create, edited ones as Update and removed ones as Delete; items dated in
// the future are held until their date, backdated ones are recorded without
// being pushed. Everything a poll changes is committed in one transaction,
// so a crash never marks an item seen without queueing its deliveries, nor
// the reverse.
func (p *Poller) Poll(ctx context.Context, f config.Feed) error {
	defer p.lock(f.Handle)()
	st, err := p.o.Store.FeedState(f.Handle)
	if err != nil {
		return err
	}
	st = freshState(st, f)
	if st.Disabled {
		return nil
	}
	if _, paused, err := p.o.Store.Paused(f.Handle); err != nil || paused {
		return err // paused through the admin API: no fetch at all
	}
	now := p.o.Now().UTC()
	st.LastAttempt = now
	v := feeds.Validators{ETag: st.ETag, LastModified: st.LastModified}
	if now.Sub(st.LastFullFetch) >= p.o.Config.RemovalCheck(f) {
		v = feeds.Validators{} // see FeedState.LastFullFetch
	}
	res, err := p.fetch(ctx, f, &st, v)
	if err != nil {
		metrics.Count(p.o.Metrics.Polls, "error")
		failed(&st, err)
		if saveErr := p.o.Store.SaveFeedState(f.Handle, st); saveErr != nil {
			return fmt.Errorf("%w (and saving feed state: %v)", err, saveErr)
		}
		return err
	}
	// Items are judged against the time of the answer: one published
	// while the request was under way is not in the future.
	now = p.o.Now().UTC()
	st.Failures, st.LastError, st.LastSuccess, st.Status = 0, "", now, "ok"
	if res.NotModified {
		st.Status = "ok (not modified)"
		metrics.Count(p.o.Metrics.Polls, "not_modified")
	} else {
		metrics.Count(p.o.Metrics.Polls, "ok")
	}
	st.ETag, st.LastModified = res.Validators.ETag, res.Validators.LastModified
	if res.MovedTo != "" && res.MovedTo != st.URL {
		p.o.Log.Info("feed moved permanently", "handle", f.Handle, "from", st.URL, "to", res.MovedTo)
		st.URL = res.MovedTo
	}
	c, err := p.changes(ctx, f, &st, res, now, false)
	if err != nil {
		return err
	}
	return p.commit(f, st, c, now)
}

// applyPush processes a feed document the WebSub hub pushed, at once: new
// and edited items as a poll would, but the document may hold only the new
// entries, so nothing is taken for removed and held posts are only added.
func (p *Poller) applyPush(ctx context.Context, f config.Feed, body []byte) error {
	defer p.lock(f.Handle)()
	st, err := p.o.Store.FeedState(f.Handle)
	if err != nil {
		return err
	}
	st = freshState(st, f)
	feed, err := feeds.Parse(body, st.URL)
	if err != nil {
		return err
	}
	now := p.o.Now().UTC()
	c, err := p.changes(ctx, f, &st, &feeds.Result{Feed: feed}, now, true)
	if err != nil {
		return err
	}
	return p.commit(f, st, c, now)
}

// commit stores what a poll or push changed and wakes the deliveries.
func (p *Poller) commit(f config.Feed, st store.FeedState, c store.PollCommit, now time.Time) error {
	c.State = st
	if err := p.addRelays(f, &c); err != nil {
		return err
	}
	queued, err := p.o.Store.CommitPoll(f.Handle, c, now)
	if err != nil {
		return err
	}
	if queued > 0 {
		p.o.Deliveries.Notify()
	}
	for _, post := range c.Posts {
		kind := "added"
		if post.Item.Version > 0 {
			kind = "edited"
		}
		metrics.Count(p.o.Metrics.Items, kind)
	}
	if n := len(c.Posts) + len(c.Deletions) + len(c.Schedule); n > 0 {
		p.o.Log.Info("feed changes", "handle", f.Handle, "posts", len(c.Posts), "deletions", len(c.Deletions),
			"scheduled", len(c.Schedule), "delivered", c.Deliver, "jobs", queued)
	}
	return nil
}

// changes works out what the fetch res changes: held posts now due, and,
// when the body was read, new, edited, future and removed items. A partial
// document (a push) says nothing about removed or unscheduled items.
func (p *Poller) changes(ctx context.Context, f config.Feed, st *store.FeedState, res *feeds.Result, now time.Time, partial bool) (store.PollCommit, error) {
	c := store.PollCommit{Deliver: st.Initialised}
	schedule, err := p.o.Store.Schedule(f.Handle)
	if err != nil {
		return c, err
	}
	if res.NotModified && !anyDue(schedule, now) {
		return c, nil // the common case: nothing to read
	}
	seen, err := p.o.Store.SeenItems(f.Handle)
	if err != nil {
		return c, err
	}
	c.Posts, c.Released = release(schedule, seen, now)
	st.ItemsSeen = len(seen) + len(schedule) - len(c.Released) + len(c.Posts)
	if res.NotModified {
		return c, nil
	}
	p.enrich(ctx, f, st, res.Feed, now)
	first := !st.Initialised
	pl, err := p.planFeed(f.Handle, res.Feed, seen, first, st.NewSourceSince, now)
	if err != nil {
		return c, err
	}
	c.Posts = append(c.Posts, pl.posts...)
	c.ReplaceSchedule, c.Schedule, c.Records = !partial, pl.schedule, pl.records
	st.ItemsSeen = len(seen) + len(pl.schedule)
	for _, post := range pl.posts {
		if _, ok := seen[post.Item.Key]; !ok {
			st.ItemsSeen++
		}
	}
	if len(res.Feed.Problems) > 0 {
		st.Status = "ok; " + strings.Join(res.Feed.Problems, "; ")
	}
	if n := len(res.Feed.Items); n > 0 && res.Feed.Items[n-1].Published.Before(now) {
		st.NewestItem = res.Feed.Items[n-1].Published
	}
	if !first && !partial && st.NewSourceSince.IsZero() {
		c.Deletions = p.deletions(ctx, f, res.Feed, seen, now)
	}
	if !partial {
		st.LastFullFetch, st.NewSourceSince = now, time.Time{}
	}
	st.Initialised = true
	st.Title, st.Description, st.SiteURL = res.Feed.Title, res.Feed.Description, res.Feed.SiteURL
	st.ImageURL, st.Language = res.Feed.ImageURL, res.Feed.Language
	return c, nil
}
