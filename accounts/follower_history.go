package accounts

import (
	"context"
	"time"
)

// followerSampleInterval is how often the daily follower counts are
// refreshed (the last sample of a day stands for it).
const followerSampleInterval = time.Hour

// RecordFollowerHistory samples every account's follower count at start and
// then hourly, until ctx ends: the statistics page draws followers over time
// from these samples, which also count the followers who left.
func (r *Registry) RecordFollowerHistory(ctx context.Context) {
	handles := r.Handles()
	ticker := time.NewTicker(followerSampleInterval)
	defer ticker.Stop()
	for {
		if err := r.store.RecordFollowerCounts(handles, r.now()); err != nil {
			r.log.Error("record follower counts", "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}
