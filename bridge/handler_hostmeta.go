package bridge

import (
	"net/http"

	"herald/actor"
)

// handleHostMeta answers GET /.well-known/host-meta (RFC 6415, XML) with
// the WebFinger template. A site that gives its own domain to Herald's
// handles redirects this URL here (see docs/accounts.md).
func (b *Bridge) handleHostMeta(w http.ResponseWriter, r *http.Request) {
	doc, err := b.render.HostMeta()
	if err != nil {
		internalError(w, b.log, r, err)
		return
	}
	w.Header().Set("Access-Control-Allow-Origin", "*")
	writeBytes(w, actor.HostMetaContentType, doc)
}
