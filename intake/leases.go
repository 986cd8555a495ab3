package intake

import (
	"context"
	"math/rand/v2"
	"time"
)

// Feeds shared by replicas. Each replica schedules every feed, but polls
// one only while it holds the feed's lease (Store.ClaimFeed, at the start
// of every poll): a feed due on a replica whose lease another holds is
// looked at again when that lease ends, and taken over if it was not
// renewed (the holder died). The holder renews its leases every third of
// the lease time and releases them when it stops, announcing them so that
// another replica takes them over at once. Announcements (Store.AnnounceFeed,
// heard through Store.ListenFeeds) also carry pings: the replica that gets
// a ping announces the feed, and the holder polls it.

// DefaultLease is the lease time when Options.Lease is 0.
const DefaultLease = 5 * time.Minute

// leaseRetry is how long a replica waits before it tries again to claim a
// feed when the store failed.
const leaseRetry = 10 * time.Second

// holdLease claims (or renews) the lease of handle's feed for this
// replica. It returns true when this replica holds it and may poll;
// otherwise the wait until it should look again: just after the holder's
// lease ends.
func (p *Poller) holdLease(handle string) (wait time.Duration, held bool) {
	now := p.o.Now()
	lease, from, err := p.o.Store.ClaimFeed(handle, p.o.Replica, now, now.Add(p.o.Lease))
	switch {
	case err != nil:
		p.o.Log.Error("claim feed lease; polling later", "handle", handle, "error", err)
		return leaseRetry, false
	case lease.Owner != p.o.Replica:
		// A little after the end, so that a renewal in flight lands first,
		// and not all replicas at once.
		jitter := time.Duration(rand.Int64N(int64(time.Second)))
		return max(0, lease.Until.Sub(now)) + 100*time.Millisecond + jitter, false
	case from != "":
		p.o.Log.Info("took over a feed whose lease had ended", "handle", handle, "from", from)
		p.o.Metrics.LeaseTakeovers.WithLabelValues("feed").Inc()
	}
	return 0, true
}

// keepLeases renews this replica's feed leases every third of the lease
// time until ctx ends.
func (p *Poller) keepLeases(ctx context.Context) {
	tick := time.NewTicker(max(p.o.Lease/3, 10*time.Millisecond))
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			now := p.o.Now()
			if _, err := p.o.Store.RenewFeeds(p.o.Replica, now, now.Add(p.o.Lease)); err != nil {
				p.o.Log.Error("renew feed leases", "error", err)
			}
		}
	}
}

// releaseLeases gives up this replica's feed leases (at shutdown) and
// announces the feeds, so that other replicas take them over at once.
func (p *Poller) releaseLeases() {
	handles, err := p.o.Store.ReleaseFeeds(p.o.Replica)
	if err != nil {
		p.o.Log.Warn("release feed leases; they end with their lease", "error", err)
		return
	}
	for _, h := range handles {
		if err := p.o.Store.AnnounceFeed(h); err != nil {
			p.o.Log.Warn("announce a released feed", "handle", h, "error", err)
			return
		}
	}
	if len(handles) > 0 {
		p.o.Log.Info("released feed leases", "feeds", len(handles))
	}
}

// listen hears the feeds announced by any replica and makes them due here
// at once (the holder of the lease polls), until ctx ends; a broken
// connection is listened on again after a second.
func (p *Poller) listen(ctx context.Context) {
	for {
		err := p.o.Store.ListenFeeds(ctx, func(handle string) {
			if handle == "" {
				p.listening.Store(true)
				return
			}
			p.sched.trigger(handle)
		})
		p.listening.Store(false)
		if ctx.Err() != nil {
			return
		}
		p.o.Log.Warn("listening for feed announcements; again in a second", "error", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Second):
		}
	}
}

// Listening reports whether the poller hears feed announcements, its own
// and other replicas' (pings reach the holder of a feed's lease through
// them).
func (p *Poller) Listening() bool { return p.listening.Load() }
