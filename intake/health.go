package intake

import (
	"fmt"
	"time"
)

// FeedHealth is how one feed is doing, for operators.
type FeedHealth struct {
	// Handle is the account; ConfiguredURL the url in the config, URL the
	// one fetched (they differ after a permanent redirect).
	Handle        string `json:"handle"`
	ConfiguredURL string `json:"configured_url"`
	URL           string `json:"url"`
	// Status says in a few words how the feed is doing.
	Status string `json:"status"`
	// Disabled is true after a 410 Gone.
	Disabled bool `json:"disabled"`
	// LastFetch, LastSuccess and LastFullFetch (the last 200) are zero
	// when there was none; NextFetch is zero while a poll runs or when
	// the feed is disabled.
	LastFetch     time.Time `json:"last_fetch,omitzero"`
	LastSuccess   time.Time `json:"last_success,omitzero"`
	LastFullFetch time.Time `json:"last_full_fetch,omitzero"`
	NextFetch     time.Time `json:"next_fetch,omitzero"`
	// LastError is the reason of the last failure, "" after a success;
	// Failures counts failures in a row.
	LastError string `json:"last_error,omitempty"`
	Failures  int    `json:"failures"`
	// ItemsSeen counts the items known; Scheduled those held for their
	// date.
	ItemsSeen int `json:"items_seen"`
	Scheduled int `json:"scheduled"`
	// DiscoveredFeed is the feed found when the configured URL is a web
	// page; API the WordPress REST API root; Hub the WebSub hub ("" when
	// none).
	DiscoveredFeed string `json:"discovered_feed,omitempty"`
	API            string `json:"api,omitempty"`
	Hub            string `json:"hub,omitempty"`
	// APIStatus tells how the last REST API call went ("ok",
	// "unavailable: …"), "" if never called.
	APIStatus string `json:"api_status,omitempty"`
	// HubState is the WebSub subscription's state ("pending", "active",
	// "denied: …", "failed: …"), "" without a hub; LeaseUntil its end.
	HubState   string    `json:"hub_state,omitempty"`
	LeaseUntil time.Time `json:"lease_until,omitzero"`
}

// Health returns the health of handle's feed.
func (p *Poller) Health(handle string) (FeedHealth, error) {
	var f *FeedHealth
	for _, fc := range p.o.Config.Feeds {
		if fc.Handle == handle {
			f = &FeedHealth{Handle: handle, ConfiguredURL: fc.URL}
		}
	}
	if f == nil {
		return FeedHealth{}, fmt.Errorf("feed health: no feed %q", handle)
	}
	st, err := p.o.Store.FeedState(handle)
	if err != nil {
		return FeedHealth{}, err
	}
	schedule, err := p.o.Store.Schedule(handle)
	if err != nil {
		return FeedHealth{}, err
	}
	f.URL, f.Status, f.Disabled = st.URL, st.Status, st.Disabled
	f.LastFetch, f.LastSuccess, f.LastFullFetch = st.LastAttempt, st.LastSuccess, st.LastFullFetch
	f.LastError, f.Failures, f.ItemsSeen, f.Scheduled = st.LastError, st.Failures, st.ItemsSeen, len(schedule)
	f.DiscoveredFeed, f.API, f.Hub, f.APIStatus = st.DiscoveredFeed, st.API, st.Hub, st.APIStatus
	sub, err := p.o.Store.Subscription(handle)
	if err != nil {
		return FeedHealth{}, err
	}
	if sub.Hub == st.Hub && st.Hub != "" {
		f.HubState, f.LeaseUntil = sub.State, sub.LeaseUntil
	}
	f.NextFetch = p.sched.nextDue(handle)
	if f.Status == "" {
		f.Status = "not polled yet"
	}
	return *f, nil
}
