// Package feededits keeps the admin API's feed edits in the database when
// Herald runs on PostgreSQL, so that an edit made through any replica
// holds for all of them within seconds. Replicas keep their own config
// files (each its own listen address); the edits (add a feed, change its
// url, name or summary, remove it) are rows in the database, and every
// replica's configuration is its file with the edits applied in order
// (Apply). An edit is validated against the configuration it changes
// (Editor) before it is recorded; Watch tells a replica when another one
// recorded an edit, and the replica reloads as on SIGHUP.
//
// With the bbolt store (one process) the admin API edits the config file
// itself (cmd/herald's file editor) and this package is not used.
package feededits

import (
	"fmt"
	"slices"
	"strings"

	"herald/config"
	"herald/store"
)

// Store is what the feed edits need of the store (the PostgreSQL store
// has it).
type Store interface {
	AddFeedEdit(e store.FeedEdit) (int64, error)
	FeedEdits() ([]store.FeedEdit, error)
	LastFeedEdit() (int64, error)
}

// Apply returns base with edits applied in order; base is left as it is.
// An edit that no longer fits (an update or removal of a feed the config
// file no longer has, an add of a handle it has gained, or any edit that
// would make the configuration invalid) is skipped, and its error is
// returned in skipped: every replica skips the same ones, so they agree.
func Apply(base *config.Config, edits []store.FeedEdit) (cfg *config.Config, skipped []error) {
	cfg = base
	for _, e := range edits {
		next, err := applyOne(cfg, e)
		if err != nil {
			skipped = append(skipped, fmt.Errorf("feed edit %d (%s %s) skipped: %w", e.Seq, e.Op, e.Handle, err))
			continue
		}
		cfg = next
	}
	return cfg, skipped
}

// applyOne returns a copy of cfg with e applied, validated as Herald
// validates a loaded configuration.
func applyOne(cfg *config.Config, e store.FeedEdit) (*config.Config, error) {
	next := *cfg
	next.Feeds = slices.Clone(cfg.Feeds)
	handle := strings.ToLower(strings.TrimSpace(e.Handle))
	i := slices.IndexFunc(next.Feeds, func(f config.Feed) bool { return f.Handle == handle })
	switch {
	case e.Op == store.FeedEditAdd && i >= 0:
		return nil, fmt.Errorf("a feed with handle %q is already configured", handle)
	case e.Op == store.FeedEditAdd:
		next.Feeds = append(next.Feeds, config.Feed{Handle: handle, URL: e.URL, PollInterval: cfg.PollInterval})
	case i < 0:
		return nil, fmt.Errorf("no feed with handle %s in the config", handle)
	case e.Op == store.FeedEditUpdate:
		setIfGiven(&next.Feeds[i].URL, e.URL)
		setIfGiven(&next.Feeds[i].Name, e.Name)
		setIfGiven(&next.Feeds[i].Summary, e.Summary)
	case e.Op == store.FeedEditRemove:
		next.Feeds = slices.Delete(next.Feeds, i, i+1)
	default:
		return nil, fmt.Errorf("unknown operation %q", e.Op)
	}
	if err := next.Validate(); err != nil {
		return nil, err
	}
	return &next, nil
}

func setIfGiven(field *string, value string) {
	if value != "" {
		*field = value
	}
}
