package feededits

import (
	"fmt"
	"log/slog"
	"strings"
	"time"

	"herald/admin"
	"herald/config"
	"herald/store"
)

// Shared is the configuration of a replica on PostgreSQL: its config file
// (and environment), read by Load, with the feed edits of the database
// applied. It is the replica's admin.ConfigEditor too.
type Shared struct {
	// Store holds the edits.
	Store Store
	// Load reads the replica's own configuration (config.Load of its file
	// and environment).
	Load func() (*config.Config, error)
	// Changed is called once an edit is recorded: the replica reloads (the
	// others learn of it through Watch). It must not block.
	Changed func()
	// Log receives the edits skipped (see Apply).
	Log *slog.Logger
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

// Config reads the replica's configuration and applies the feed edits;
// seq is the newest edit it saw (for Watch). Skipped edits are logged.
func (s *Shared) Config() (cfg *config.Config, seq int64, err error) {
	cfg, edits, err := s.read()
	if err != nil {
		return nil, 0, err
	}
	cfg, skipped := Apply(cfg, edits)
	for _, err := range skipped {
		s.Log.Warn("feed edits", "error", err)
	}
	if n := len(edits); n > 0 {
		seq = edits[n-1].Seq
	}
	return cfg, seq, nil
}

func (s *Shared) read() (*config.Config, []store.FeedEdit, error) {
	base, err := s.Load()
	if err != nil {
		return nil, nil, err
	}
	edits, err := s.Store.FeedEdits()
	if err != nil {
		return nil, nil, err
	}
	return base, edits, nil
}

// AddFeed records the addition of a feed (admin.ConfigEditor).
func (s *Shared) AddFeed(handle, url string) error {
	return s.record(store.FeedEdit{Op: store.FeedEditAdd, Handle: handle, URL: url})
}

// UpdateFeed records a change of a feed's url, name or summary (the keys
// of fields; admin.ConfigEditor).
func (s *Shared) UpdateFeed(handle string, fields map[string]string) error {
	e := store.FeedEdit{Op: store.FeedEditUpdate, Handle: handle}
	for key, value := range fields {
		switch key {
		case "url":
			e.URL = value
		case "name":
			e.Name = value
		case "summary":
			e.Summary = value
		default:
			return fmt.Errorf("%w: %s cannot be edited", admin.ErrConfigEdit, key)
		}
	}
	return s.record(e)
}

// RemoveFeed records the removal of a feed (admin.ConfigEditor).
func (s *Shared) RemoveFeed(handle string) error {
	return s.record(store.FeedEdit{Op: store.FeedEditRemove, Handle: handle})
}

// record checks e against the configuration as it is now, with every
// edit so far, and records it when it applies; then the replica reloads.
// An edit that does not apply is refused (admin.ErrConfigEdit).
func (s *Shared) record(e store.FeedEdit) error {
	e.Handle = strings.ToLower(strings.TrimSpace(e.Handle))
	cfg, edits, err := s.read()
	if err != nil {
		return err
	}
	cfg, _ = Apply(cfg, edits)
	if _, err := applyOne(cfg, e); err != nil {
		return fmt.Errorf("%w: %w", admin.ErrConfigEdit, err)
	}
	e.At = s.now()
	if _, err := s.Store.AddFeedEdit(e); err != nil {
		return err
	}
	s.Changed()
	return nil
}

func (s *Shared) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}
