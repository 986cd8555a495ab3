package admin

import (
	"net/http"

	"herald/config"
	"herald/delivery"
	"herald/respond"
)

// handleDeliveries answers GET /admin/api/deliveries (operators only).
func (a *Admin) handleDeliveries(w http.ResponseWriter, r *http.Request, _ config.AdminToken) {
	s, err := delivery.ReadQueueStatus(a.o.Store, a.o.Now())
	if err != nil {
		respond.InternalError(w, a.o.Log, r, err)
		return
	}
	s.Replica = a.o.Replica
	respond.JSON(w, s)
}
