package delivery

import (
	"sort"
	"time"

	"herald/store"
)

// QueueStatus is the delivery queue as the admin API and the command line
// report it.
type QueueStatus struct {
	// Pending is the number of queued jobs; Due how many are due now.
	Pending int `json:"pending"`
	Due     int `json:"due"`
	// OldestPendingSeconds is how long the oldest job has waited.
	OldestPendingSeconds int64 `json:"oldest_pending_seconds"`
	// NextDue is when the earliest job is due.
	NextDue time.Time `json:"next_due,omitzero"`
	// Hosts are the hosts that failed at least once, worst first: breaker
	// state, failures in a row, last error.
	Hosts []store.HostState `json:"hosts"`
	// Replica is the id of the replica that answered ("" from the command
	// line).
	Replica string `json:"replica,omitempty"`
	// Replicas are the replicas holding claims on jobs, by id.
	Replicas []ReplicaStatus `json:"replicas"`
}

// ReplicaStatus is what one replica holds of the queue.
type ReplicaStatus struct {
	// Replica is its id.
	Replica string `json:"replica"`
	// Jobs is how many jobs it has claimed (in flight).
	Jobs int `json:"jobs"`
	// OldestClaimedSeconds is how long the oldest of them has been queued:
	// the queue age of this replica.
	OldestClaimedSeconds int64 `json:"oldest_claimed_seconds"`
	// LeaseEndsSeconds is how soon its last claim ends unless renewed;
	// negative once ended (the replica died or stalled: its jobs are
	// being taken over).
	LeaseEndsSeconds int64 `json:"lease_ends_seconds"`
}

// StatusStore is what ReadQueueStatus needs of the store.
type StatusStore interface {
	QueueStats(now time.Time) (store.QueueStats, error)
	Hosts() (map[string]store.HostState, error)
	ClaimStats() ([]store.ReplicaClaims, error)
}

// ReadQueueStatus assembles the queue's status from the store at now. The
// admin API and the command line (on a stopped server) both use it. It reads
// every queued job: fine for an operator's look, not for a tight loop.
func ReadQueueStatus(st StatusStore, now time.Time) (QueueStatus, error) {
	q, err := st.QueueStats(now)
	if err != nil {
		return QueueStatus{}, err
	}
	hosts, err := st.Hosts()
	if err != nil {
		return QueueStatus{}, err
	}
	claims, err := st.ClaimStats()
	if err != nil {
		return QueueStatus{}, err
	}
	s := QueueStatus{Pending: q.Depth, Due: q.Due, OldestPendingSeconds: int64(q.OldestAge(now) / time.Second), NextDue: q.NextDue,
		Hosts: []store.HostState{}, Replicas: []ReplicaStatus{}}
	for _, c := range claims {
		s.Replicas = append(s.Replicas, ReplicaStatus{Replica: c.Owner, Jobs: c.Jobs,
			OldestClaimedSeconds: int64(now.Sub(c.OldestCreated) / time.Second), LeaseEndsSeconds: int64(c.Until.Sub(now) / time.Second)})
	}
	for _, h := range hosts {
		s.Hosts = append(s.Hosts, h)
	}
	sort.Slice(s.Hosts, func(i, j int) bool {
		if s.Hosts[i].Failures != s.Hosts[j].Failures {
			return s.Hosts[i].Failures > s.Hosts[j].Failures
		}
		return s.Hosts[i].Host < s.Hosts[j].Host
	})
	return s, nil
}
