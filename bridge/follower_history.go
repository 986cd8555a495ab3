package bridge

import (
	"context"
	"time"
)

// followerSampleInterval is how often the daily follower counts are
// refreshed (the last sample of a day stands for it).
const followerSampleInterval = time.Hour

// recordFollowerHistory samples every account's follower count at start and
// then hourly, until ctx ends: the statistics page draws followers over time
// from these samples, which also count the followers who left.
func (b *Bridge) recordFollowerHistory(ctx context.Context) {
	handles := make([]string, len(b.cfg.Feeds))
	for i, f := range b.cfg.Feeds {
		handles[i] = f.Handle
	}
	ticker := time.NewTicker(followerSampleInterval)
	defer ticker.Stop()
	for {
		if err := b.store.RecordFollowerCounts(handles, b.now()); err != nil {
			b.log.Error("record follower counts", "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}
