package bridge

import (
	"fmt"
	"time"
)

// FeedHealth is how one feed is doing, for operators.
type FeedHealth struct {
	// Handle is the account; ConfiguredURL the url in the config, URL the
	// one fetched (they differ after a permanent redirect).
	Handle, ConfiguredURL, URL string
	// Status says in a few words how the feed is doing.
	Status string
	// Disabled is true after a 410 Gone.
	Disabled bool
	// LastFetch, LastSuccess and LastFullFetch (the last 200) are zero
	// when there was none; NextFetch is zero while a poll runs or when
	// the feed is disabled.
	LastFetch, LastSuccess, LastFullFetch, NextFetch time.Time
	// LastError is the reason of the last failure, "" after a success;
	// Failures counts failures in a row.
	LastError string
	Failures  int
	// ItemsSeen counts the items known; Scheduled those held for their
	// date.
	ItemsSeen, Scheduled int
	// DiscoveredFeed is the feed found when the configured URL is a web
	// page; API the WordPress REST API root; Hub the WebSub hub ("" when
	// none).
	DiscoveredFeed, API, Hub string
	// APIStatus tells how the last REST API call went ("ok",
	// "unavailable: …"), "" if never called.
	APIStatus string
	// HubState is the WebSub subscription's state ("pending", "active",
	// "denied: …", "failed: …"), "" without a hub; LeaseUntil its end.
	HubState   string
	LeaseUntil time.Time
}

// FeedHealth returns the health of handle's feed.
func (b *Bridge) FeedHealth(handle string) (FeedHealth, error) {
	var f *FeedHealth
	for _, fc := range b.cfg.Feeds {
		if fc.Handle == handle {
			f = &FeedHealth{Handle: handle, ConfiguredURL: fc.URL}
		}
	}
	if f == nil {
		return FeedHealth{}, fmt.Errorf("feed health: no feed %q", handle)
	}
	st, err := b.store.FeedState(handle)
	if err != nil {
		return FeedHealth{}, err
	}
	schedule, err := b.store.Schedule(handle)
	if err != nil {
		return FeedHealth{}, err
	}
	f.URL, f.Status, f.Disabled = st.URL, st.Status, st.Disabled
	f.LastFetch, f.LastSuccess, f.LastFullFetch = st.LastAttempt, st.LastSuccess, st.LastFullFetch
	f.LastError, f.Failures, f.ItemsSeen, f.Scheduled = st.LastError, st.Failures, st.ItemsSeen, len(schedule)
	f.DiscoveredFeed, f.API, f.Hub, f.APIStatus = st.DiscoveredFeed, st.API, st.Hub, st.APIStatus
	sub, err := b.store.Subscription(handle)
	if err != nil {
		return FeedHealth{}, err
	}
	if sub.Hub == st.Hub && st.Hub != "" {
		f.HubState, f.LeaseUntil = sub.State, sub.LeaseUntil
	}
	f.NextFetch = b.poller.sched.nextDue(handle)
	if f.Status == "" {
		f.Status = "not polled yet"
	}
	return *f, nil
}
