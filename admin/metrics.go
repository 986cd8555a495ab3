package admin

import (
	"net/http"

	"herald/config"
)

// handleMetrics answers GET /metrics in the Prometheus text format, for
// operator tokens only (Prometheus: authorization.credentials).
func (a *Admin) handleMetrics(w http.ResponseWriter, r *http.Request, _ config.AdminToken) {
	a.o.Metrics.Handler().ServeHTTP(w, r)
}
