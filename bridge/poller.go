package bridge

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"herald/config"
	"herald/feeds"
	"herald/store"
)

// maxPollBackoff caps the wait after repeated failures.
const maxPollBackoff = time.Hour

// poller polls every configured feed on its own schedule and publishes what
// changed. One feed failing never delays another.
type poller struct {
	b       *Bridge
	fetcher *feeds.Fetcher
	// now holds one wake-up per feed handle: PollNow fills it, the feed's
	// loop empties it. Buffered (1), so triggers coalesce.
	now map[string]chan struct{}
}

func newPoller(b *Bridge, fetcher *feeds.Fetcher) *poller {
	p := &poller{b: b, fetcher: fetcher, now: map[string]chan struct{}{}}
	for _, f := range b.cfg.Feeds {
		p.now[f.Handle] = make(chan struct{}, 1)
	}
	return p
}

// PollNow asks for an immediate poll of handle's feed (a ping or push said
// it changed). It never blocks; triggers that arrive while one is pending
// are merged into it. It returns false for an unknown handle.
func (p *poller) PollNow(handle string) bool {
	ch, ok := p.now[handle]
	if !ok {
		return false
	}
	select {
	case ch <- struct{}{}:
	default:
	}
	return true
}

// Run polls until ctx is cancelled; it returns when every feed loop has.
func (p *poller) Run(ctx context.Context) {
	var wg sync.WaitGroup
	for _, f := range p.b.cfg.Feeds {
		wg.Go(func() { p.loop(ctx, f) })
	}
	wg.Wait()
}

// loop polls one feed: at once, then every poll interval (with jitter, so
// feeds do not fire together), backing off exponentially while it fails.
func (p *poller) loop(ctx context.Context, f config.Feed) {
	for {
		wait := nextPollDelay(f.PollInterval.Std(), 0)
		if err := p.Poll(ctx, f); err != nil {
			if ctx.Err() != nil {
				return
			}
			st, _ := p.b.store.FeedState(f.Handle)
			wait = nextPollDelay(f.PollInterval.Std(), st.Failures)
			// A site that says when to come back (429, 503) is obeyed.
			var httpErr *feeds.HTTPError
			if errors.As(err, &httpErr) && httpErr.RetryAfter > wait {
				wait = min(httpErr.RetryAfter, maxPollBackoff*24)
			}
			p.b.log.Warn("poll failed", "handle", f.Handle, "feed_url", f.URL, "failures", st.Failures, "retry_in", wait.Round(time.Second), "error", err)
		}
		wait = p.untilDue(f.Handle, wait)
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case <-timer.C:
		case <-p.now[f.Handle]:
			timer.Stop()
		}
	}
}

// untilDue shortens wait so that the loop wakes when the first held post
// of handle falls due (a poll publishes it, even on a 304).
func (p *poller) untilDue(handle string, wait time.Duration) time.Duration {
	schedule, err := p.b.store.Schedule(handle)
	if err != nil {
		return wait
	}
	// A post already due waits for the next successful poll: waking at
	// once would hammer a failing site.
	if d := nextDue(schedule).Sub(p.b.now()); d > 0 && d < wait {
		return d
	}
	return wait
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
func (p *poller) Poll(ctx context.Context, f config.Feed) error {
	st, err := p.b.store.FeedState(f.Handle)
	if err != nil {
		return err
	}
	if st.URL != f.URL {
		st = store.FeedState{URL: f.URL, Initialised: st.Initialised}
	}
	now := p.b.now().UTC()
	st.LastAttempt = now
	v := feeds.Validators{ETag: st.ETag, LastModified: st.LastModified}
	if now.Sub(st.LastFullFetch) >= p.b.cfg.RemovalCheck(f) {
		v = feeds.Validators{} // see FeedState.LastFullFetch
	}
	res, err := p.fetcher.Fetch(ctx, f.URL, v)
	if err != nil {
		st.Failures++
		st.LastError = err.Error()
		if saveErr := p.b.store.SaveFeedState(f.Handle, st); saveErr != nil {
			return fmt.Errorf("%w (and saving feed state: %v)", err, saveErr)
		}
		return err
	}
	st.Failures, st.LastError, st.LastSuccess = 0, "", now
	st.ETag, st.LastModified = res.Validators.ETag, res.Validators.LastModified
	c, err := p.changes(ctx, f, &st, res, now)
	if err != nil {
		return err
	}
	c.State = st
	queued, err := p.b.store.CommitPoll(f.Handle, c, now)
	if err != nil {
		return err
	}
	if queued > 0 {
		p.b.delivery.Notify()
	}
	if n := len(c.Posts) + len(c.Deletions) + len(c.Schedule); n > 0 {
		p.b.log.Info("feed changes", "handle", f.Handle, "posts", len(c.Posts), "deletions", len(c.Deletions),
			"scheduled", len(c.Schedule), "delivered", c.Deliver, "jobs", queued)
	}
	return nil
}

// changes works out what the fetch res changes: held posts now due, and,
// when the body was read, new, edited, future and removed items.
func (p *poller) changes(ctx context.Context, f config.Feed, st *store.FeedState, res *feeds.Result, now time.Time) (store.PollCommit, error) {
	c := store.PollCommit{Deliver: st.Initialised}
	seen, err := p.b.store.SeenItems(f.Handle)
	if err != nil {
		return c, err
	}
	schedule, err := p.b.store.Schedule(f.Handle)
	if err != nil {
		return c, err
	}
	c.Posts, c.Released = release(schedule, seen, now)
	if res.NotModified {
		return c, nil
	}
	first := !st.Initialised
	pl, err := p.b.planFeed(f.Handle, res.Feed, seen, first, now)
	if err != nil {
		return c, err
	}
	c.Posts = append(c.Posts, pl.posts...)
	c.ReplaceSchedule, c.Schedule = true, pl.schedule
	if !first {
		c.Deletions = p.deletions(ctx, f, res.Feed, seen, now)
	}
	st.Initialised, st.LastFullFetch = true, now
	st.Title, st.Description, st.SiteURL = res.Feed.Title, res.Feed.Description, res.Feed.SiteURL
	st.ImageURL, st.Language = res.Feed.ImageURL, res.Feed.Language
	return c, nil
}
