package bridge

import (
	"fmt"

	"herald/store"
)

// DeliveryStats returns the delivery counts of one activity (queued,
// delivered, failed; pending is the rest); found is false when Herald never
// queued it. For metrics and the admin API.
func (b *Bridge) DeliveryStats(activityID string) (st store.ActivityStats, found bool, err error) {
	st, found, err = b.store.DeliveryStats(activityID)
	if err != nil {
		return st, false, fmt.Errorf("delivery stats of %s: %w", activityID, err)
	}
	return st, found, nil
}

// QueueStats returns the delivery queue's depth, due jobs, oldest job and
// next due time, as of the bridge's clock.
func (b *Bridge) QueueStats() (store.QueueStats, error) {
	return b.store.QueueStats(b.now())
}

// HostStates returns the stored health of every host that has failed at
// least once: breaker state ("ok", "failing", "held"), consecutive
// failures, last error, and until when a held host is held back.
func (b *Bridge) HostStates() (map[string]store.HostState, error) {
	hosts, err := b.store.Hosts()
	if err != nil {
		return nil, fmt.Errorf("host states: %w", err)
	}
	return hosts, nil
}
