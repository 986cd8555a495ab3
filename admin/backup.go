package admin

import (
	"net/http"
	"strconv"

	"herald/config"
	"herald/respond"
)

// handleBackup answers GET /admin/api/backup (operators only) with a
// consistent snapshot of the database, taken while Herald keeps serving.
func (a *Admin) handleBackup(w http.ResponseWriter, r *http.Request, _ config.AdminToken) {
	size, err := a.o.Store.Size()
	if err != nil {
		respond.InternalError(w, a.o.Log, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Disposition", `attachment; filename="herald.db"`)
	w.Header().Set("Content-Length", strconv.FormatInt(size, 10))
	if _, err := a.o.Store.Backup(w); err != nil {
		// The status is sent; a short body tells the client it failed.
		a.o.Log.Error("backup", "error", err)
	}
}
