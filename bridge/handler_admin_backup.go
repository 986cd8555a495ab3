package bridge

import (
	"net/http"
	"strconv"

	"herald/config"
)

// handleAdminBackup answers GET /admin/api/backup (operators only) with a
// consistent snapshot of the database, taken while Herald keeps serving.
func (b *Bridge) handleAdminBackup(w http.ResponseWriter, r *http.Request, _ config.AdminToken) {
	size, err := b.store.Size()
	if err != nil {
		internalError(w, b.log, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Disposition", `attachment; filename="herald.db"`)
	w.Header().Set("Content-Length", strconv.FormatInt(size, 10))
	if _, err := b.store.Backup(w); err != nil {
		// The status is sent; a short body tells the client it failed.
		b.log.Error("backup", "error", err)
	}
}
