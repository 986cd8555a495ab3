package admin

import (
	"net/http"
	"strconv"

	"herald/config"
	"herald/respond"
)

// handleBackup answers GET /admin/api/backup (operators only) with a
// consistent snapshot of the database, taken while Herald keeps serving. A
// store that cannot write one (PostgreSQL: back it up with pg_dump) gets
// 501 with the reason, before anything is sent.
func (a *Admin) handleBackup(w http.ResponseWriter, r *http.Request, _ config.AdminToken) {
	size, err := a.o.Store.Size()
	if err != nil {
		respond.InternalError(w, a.o.Log, r, err)
		return
	}
	out := &backupWriter{w: w, size: size}
	if _, err := a.o.Store.Backup(out); err != nil {
		if !out.started {
			respond.Error(w, http.StatusNotImplemented, err.Error())
			return
		}
		// The status is sent; a short body tells the client it failed.
		a.o.Log.Error("backup", "error", err)
	}
}

// backupWriter sends the backup's headers with its first bytes, so that a
// backup that fails at once can still be answered with an error.
type backupWriter struct {
	w       http.ResponseWriter
	size    int64
	started bool
}

func (b *backupWriter) Write(p []byte) (int, error) {
	if !b.started {
		b.started = true
		h := b.w.Header()
		h.Set("Content-Type", "application/octet-stream")
		h.Set("Content-Disposition", `attachment; filename="herald.db"`)
		h.Set("Content-Length", strconv.FormatInt(b.size, 10))
	}
	return b.w.Write(p)
}
