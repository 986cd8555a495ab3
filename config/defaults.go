package config

import (
	"strings"
	"time"
)

// Defaults applied to keys the file and the environment leave unset.
const (
	DefaultListen       = "127.0.0.1:8080"
	DefaultDataDir      = "./data"
	DefaultPollInterval = 5 * time.Minute
	DefaultFetchTimeout = 30 * time.Second
	// DefaultRemovalCheckInterval bounds how long a removed item can go
	// unnoticed when the site keeps answering 304 Not Modified.
	DefaultRemovalCheckInterval = 10 * time.Minute
	// DefaultMaxItemAge is the age past which a newly seen item is recorded
	// but not pushed to followers (a backdated post).
	DefaultMaxItemAge = 14 * 24 * time.Hour
	// DefaultPushPollInterval is the safety poll of feeds pushed by WebSub.
	DefaultPushPollInterval = time.Hour
	// DefaultLeaseTime is how long a replica's claim on a job, a feed or a
	// task lasts unless renewed: far longer than one attempt (fetch_timeout),
	// short enough that a dead replica's work moves on within minutes.
	DefaultLeaseTime = 5 * time.Minute
)

// applyDefaults fills the keys left unset with their defaults, trims the
// trailing slash of base_url, trims and lowercases the feed handles and
// gives each feed without its own poll_interval the global one.
func (c *Config) applyDefaults() {
	if c.Listen == "" {
		c.Listen = DefaultListen
	}
	if c.DataDir == "" {
		c.DataDir = DefaultDataDir
	}
	if c.PollInterval == 0 {
		c.PollInterval = Duration(DefaultPollInterval)
	}
	if c.FetchTimeout == 0 {
		c.FetchTimeout = Duration(DefaultFetchTimeout)
	}
	if c.LogLevel == "" {
		c.LogLevel = "info"
	}
	if c.SignedFetch == "" {
		c.SignedFetch = SignedFetchWhenRequired
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	for i := range c.Feeds {
		c.Feeds[i].Handle = strings.ToLower(strings.TrimSpace(c.Feeds[i].Handle))
		if c.Feeds[i].PollInterval == 0 {
			c.Feeds[i].PollInterval = c.PollInterval
		}
	}
}

// RemovalCheck returns the removal check interval of f: its own, else the
// global one, else DefaultRemovalCheckInterval.
func (c *Config) RemovalCheck(f Feed) time.Duration {
	switch {
	case f.RemovalCheckInterval != 0:
		return f.RemovalCheckInterval.Std()
	case c.RemovalCheckInterval != 0:
		return c.RemovalCheckInterval.Std()
	}
	return DefaultRemovalCheckInterval
}

// ItemMaxAge returns max_item_age, or DefaultMaxItemAge when unset.
func (c *Config) ItemMaxAge() time.Duration {
	if c.MaxItemAge != 0 {
		return c.MaxItemAge.Std()
	}
	return DefaultMaxItemAge
}

// PollBounds returns the shortest and longest poll interval of f: its
// poll_interval, and max_poll_interval when that is longer.
func (c *Config) PollBounds(f Feed) (shortest, longest time.Duration) {
	shortest = f.PollInterval.Std()
	if shortest == 0 {
		shortest = c.PollInterval.Std()
	}
	return shortest, max(shortest, c.MaxPollInterval.Std())
}

// PushPoll returns push_poll_interval, or DefaultPushPollInterval.
func (c *Config) PushPoll() time.Duration {
	if c.PushPollInterval != 0 {
		return c.PushPollInterval.Std()
	}
	return DefaultPushPollInterval
}

// Lease returns lease_time, else DefaultLeaseTime.
func (c *Config) Lease() time.Duration {
	if c.LeaseTime != 0 {
		return c.LeaseTime.Std()
	}
	return DefaultLeaseTime
}
