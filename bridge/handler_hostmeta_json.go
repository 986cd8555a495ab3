package bridge

import (
	"net/http"

	"herald/actor"
)

// handleHostMetaJSON answers GET /.well-known/host-meta.json: the same as JSON.
func (b *Bridge) handleHostMetaJSON(w http.ResponseWriter, r *http.Request) {
	doc, err := b.render.HostMetaJSON()
	if err != nil {
		internalError(w, b.log, r, err)
		return
	}
	w.Header().Set("Access-Control-Allow-Origin", "*")
	writeBytes(w, actor.JRDContentType, doc)
}
