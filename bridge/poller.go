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
	"herald/metrics"
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
// Create and edited ones as Update. Everything a poll changes is committed
// in one transaction, so a crash never marks an item seen without queueing
// its deliveries, nor the reverse.
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
	res, err := p.fetcher.Fetch(ctx, f.URL, feeds.Validators{ETag: st.ETag, LastModified: st.LastModified})
	if err != nil {
		metrics.Count(p.b.metrics.Polls, f.Handle, "error")
		st.Failures++
		st.LastError = err.Error()
		if saveErr := p.b.store.SaveFeedState(f.Handle, st); saveErr != nil {
			return fmt.Errorf("%w (and saving feed state: %v)", err, saveErr)
		}
		return err
	}
	st.Failures, st.LastError, st.LastSuccess = 0, "", now
	st.ETag, st.LastModified = res.Validators.ETag, res.Validators.LastModified
	if res.NotModified {
		metrics.Count(p.b.metrics.Polls, f.Handle, "not_modified")
		return p.b.store.SaveFeedState(f.Handle, st)
	}
	metrics.Count(p.b.metrics.Polls, f.Handle, "ok")
	posts, err := p.b.postsFor(f.Handle, res.Feed, now)
	if err != nil {
		return err
	}
	deliver := st.Initialised
	st.Initialised = true
	st.Title, st.Description, st.SiteURL = res.Feed.Title, res.Feed.Description, res.Feed.SiteURL
	st.ImageURL, st.Language = res.Feed.ImageURL, res.Feed.Language
	queued, err := p.b.store.ApplyPoll(f.Handle, st, posts, deliver, now)
	if err != nil {
		return err
	}
	if queued > 0 {
		p.b.delivery.Notify()
	}
	for _, post := range posts {
		kind := "added"
		if post.Item.Version > 0 {
			kind = "edited"
		}
		metrics.Count(p.b.metrics.Items, f.Handle, kind)
	}
	if len(posts) > 0 {
		p.b.log.Info("feed changes", "handle", f.Handle, "posts", len(posts), "delivered", deliver, "jobs", queued)
	}
	return nil
}
