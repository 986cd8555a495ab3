package store

// Feed leases, ping coalescing and change announcements.
//
// Each feed is polled by one replica at a time: the one holding the
// feed's lease (ClaimFeed), which it renews while it runs (RenewFeeds) and
// gives up when it stops (ReleaseFeeds). Another replica claims the feed
// once the lease has ended. Pings for one feed cause one fetch per
// interval across all replicas (TakePingFetch). A replica that learns that
// a feed changed (a ping) announces it (AnnounceFeed), and every replica
// listening (ListenFeeds) hears it: the one holding the lease polls.
//
// The bbolt store serves one process: it keeps all of this in memory
// (claimTable), and announcements go to the listeners of this process.

import (
	"context"
	"time"
)

// Lease is a replica's hold on a feed (which it polls) or a task (which
// it does): who holds it, until when.
type Lease struct {
	// Owner is the replica holding it ("" when no one does).
	Owner string `json:"replica"`
	// Until is when it ends unless renewed.
	Until time.Time `json:"until"`
}

// FeedLease is the lease of one feed: who polls it, until when.
type FeedLease = Lease

// ClaimFeed gives owner the lease of handle's feed until until when no
// one holds it at now (never claimed, released, or the lease ended) or
// owner holds it already (a renewal). It returns the lease as it is
// afterwards, which is owner's when the claim succeeded, and the owner
// whose ended lease was taken over ("" when none was).
func (s *Store) ClaimFeed(handle, owner string, now, until time.Time) (lease FeedLease, takenFrom string, err error) {
	c := s.claims
	c.mu.Lock()
	defer c.mu.Unlock()
	lease, takenFrom = claimIn(c.feeds, handle, owner, now, until)
	return lease, takenFrom, nil
}

// claimIn decides owner's claim on the lease key of leases (the feeds' or
// the tasks'), as ClaimFeed and ClaimTask describe; the caller holds the
// claim table's lock.
func claimIn(leases map[string]claim, key, owner string, now, until time.Time) (lease Lease, takenFrom string) {
	prev, held := leases[key]
	if held && prev.owner != owner && !prev.until.Before(now) {
		return Lease{Owner: prev.owner, Until: prev.until}, ""
	}
	if held && prev.owner != owner {
		takenFrom = prev.owner
	}
	leases[key] = claim{owner: owner, until: until}
	return Lease{Owner: owner, Until: until}, takenFrom
}

// RenewFeeds moves the end of every lease that owner holds on a feed and
// that has not ended at now to until, and returns how many it renewed.
func (s *Store) RenewFeeds(owner string, now, until time.Time) (int, error) {
	c := s.claims
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for h, cl := range c.feeds {
		if cl.owner == owner && !cl.until.Before(now) {
			cl.until = until
			c.feeds[h] = cl
			n++
		}
	}
	return n, nil
}

// ReleaseFeeds gives up every feed lease of owner and returns the handles
// of those feeds, so that another replica can take them over at once.
func (s *Store) ReleaseFeeds(owner string) ([]string, error) {
	c := s.claims
	c.mu.Lock()
	defer c.mu.Unlock()
	var handles []string
	for h, cl := range c.feeds {
		if cl.owner == owner {
			delete(c.feeds, h)
			handles = append(handles, h)
		}
	}
	return handles, nil
}

// TakePingFetch decides whether a ping for handle at now causes a fetch:
// it does (took) when the last fetch caused by a ping, by any replica, is
// at least interval old; then now becomes the last. It returns the last
// such fetch's time afterwards.
func (s *Store) TakePingFetch(handle string, now time.Time, interval time.Duration) (last time.Time, took bool, err error) {
	c := s.claims
	c.mu.Lock()
	defer c.mu.Unlock()
	last, seen := c.pings[handle]
	if seen && now.Sub(last) < interval {
		return last, false, nil
	}
	c.pings[handle] = now
	return now, true, nil
}

// AnnounceFeed tells every listener (ListenFeeds), this process's and
// other replicas', that handle's feed should be polled now.
func (s *Store) AnnounceFeed(handle string) error {
	c := s.claims
	c.mu.Lock()
	fns := make([]func(string), 0, len(c.listeners))
	for _, fn := range c.listeners {
		fns = append(fns, fn)
	}
	c.mu.Unlock()
	for _, fn := range fns {
		fn(handle)
	}
	return nil
}

// ListenFeeds calls fn with the handle of every feed announced
// (AnnounceFeed) until ctx ends; then it returns ctx's error. fn("") tells
// that it listens: announcements made before were missed. fn must not
// block.
func (s *Store) ListenFeeds(ctx context.Context, fn func(handle string)) error {
	c := s.claims
	c.mu.Lock()
	id := c.nextID
	c.nextID++
	c.listeners[id] = fn
	c.mu.Unlock()
	fn("")
	<-ctx.Done()
	c.mu.Lock()
	delete(c.listeners, id)
	c.mu.Unlock()
	return ctx.Err()
}
