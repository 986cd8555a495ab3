package bridge

import (
	"net/http"

	"herald/actor"
)

// handleNodeInfoIndex answers GET /.well-known/nodeinfo with links to the
// NodeInfo 2.0 and 2.1 documents.
func (b *Bridge) handleNodeInfoIndex(w http.ResponseWriter, r *http.Request) {
	doc, err := b.render.NodeInfoIndex()
	if err != nil {
		internalError(w, b.log, r, err)
		return
	}
	w.Header().Set("Access-Control-Allow-Origin", "*")
	writeBytes(w, "application/json", doc)
}

// handleNodeInfo answers GET /nodeinfo/2.0 and /nodeinfo/2.1 with real usage
// numbers: the accounts served and the posts made.
func (b *Bridge) handleNodeInfo(w http.ResponseWriter, r *http.Request) {
	version := r.PathValue("version")
	if version != "2.0" && version != "2.1" {
		writeError(w, http.StatusNotFound, "unknown NodeInfo version")
		return
	}
	usage := actor.Usage{Users: len(b.cfg.Feeds)}
	for _, f := range b.cfg.Feeds {
		seen, err := b.store.SeenItems(f.Handle)
		if err != nil {
			internalError(w, b.log, r, err)
			return
		}
		usage.LocalPosts += len(seen)
	}
	doc, err := actor.NodeInfo(version, b.version, usage)
	if err != nil {
		internalError(w, b.log, r, err)
		return
	}
	w.Header().Set("Access-Control-Allow-Origin", "*")
	writeBytes(w, actor.NodeInfoContentType(version), doc)
}
