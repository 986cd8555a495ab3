package bridge

import (
	"net/http"
	"time"

	"herald/config"
)

// QueueStatus is the delivery queue as the admin API reports it.
type QueueStatus struct {
	Pending int       `json:"pending"`
	NextDue time.Time `json:"next_due,omitzero"`
}

// handleAdminDeliveries answers GET /admin/api/deliveries (operators only).
func (b *Bridge) handleAdminDeliveries(w http.ResponseWriter, r *http.Request, _ config.AdminToken) {
	pending, err := b.store.PendingJobs()
	if err != nil {
		internalError(w, b.log, r, err)
		return
	}
	next, _, err := b.store.NextDue()
	if err != nil {
		internalError(w, b.log, r, err)
		return
	}
	writeAdminJSON(w, QueueStatus{Pending: pending, NextDue: next})
}
