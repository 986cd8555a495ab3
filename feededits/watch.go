package feededits

import (
	"context"
	"log/slog"
	"time"
)

// WatchInterval is how often a replica looks for feed edits recorded by
// another: the delay before an edit made through one replica holds on
// all of them.
const WatchInterval = 2 * time.Second

// Watch calls changed when the newest feed edit in st is past applied()
// (the newest one the replica's running configuration has), looking every
// interval until ctx ends. It asks once per new edit, also while the
// replica reloads. A database error is logged and tried again at the next
// interval.
func Watch(ctx context.Context, st Store, applied func() int64, interval time.Duration, log *slog.Logger, changed func()) {
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	var asked int64
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
		last, err := st.LastFeedEdit()
		if err != nil {
			log.Warn("feed edits: look for new ones", "error", err)
			continue
		}
		if last > max(applied(), asked) {
			asked = last
			changed()
		}
	}
}
