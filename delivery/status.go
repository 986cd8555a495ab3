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
}

// StatusStore is what ReadQueueStatus needs of the store.
type StatusStore interface {
	QueueStats(now time.Time) (store.QueueStats, error)
	Hosts() (map[string]store.HostState, error)
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
	s := QueueStatus{Pending: q.Depth, Due: q.Due, OldestPendingSeconds: int64(q.OldestAge(now) / time.Second), NextDue: q.NextDue, Hosts: []store.HostState{}}
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
