package server

import (
	"net/http"

	"herald/actor"
	"herald/respond"
)

// handleNodeInfoIndex answers GET /.well-known/nodeinfo with links to the
// NodeInfo 2.0 and 2.1 documents.
func (s *Server) handleNodeInfoIndex(w http.ResponseWriter, r *http.Request) {
	doc, err := s.o.Render.NodeInfoIndex()
	if err != nil {
		respond.InternalError(w, s.o.Log, r, err)
		return
	}
	w.Header().Set("Access-Control-Allow-Origin", "*")
	respond.Bytes(w, "application/json", doc)
}

// handleNodeInfo answers GET /nodeinfo/2.0 and /nodeinfo/2.1 with real usage
// numbers (the accounts served and the posts made), the operator and the
// links to the server page and both policies.
func (s *Server) handleNodeInfo(w http.ResponseWriter, r *http.Request) {
	version := r.PathValue("version")
	if version != "2.0" && version != "2.1" {
		respond.Error(w, http.StatusNotFound, "unknown NodeInfo version")
		return
	}
	usage := actor.Usage{Users: len(s.o.Config.Feeds)}
	for _, f := range s.o.Config.Feeds {
		seen, err := s.o.Store.SeenItems(f.Handle)
		if err != nil {
			respond.InternalError(w, s.o.Log, r, err)
			return
		}
		usage.LocalPosts += len(seen)
	}
	op := s.o.Config.Operator
	doc, err := s.o.Render.NodeInfo(version, s.o.Version, usage,
		actor.Operator{Name: op.Name, Email: op.ContactEmail(), URL: op.ContactURL()})
	if err != nil {
		respond.InternalError(w, s.o.Log, r, err)
		return
	}
	w.Header().Set("Access-Control-Allow-Origin", "*")
	respond.Bytes(w, actor.NodeInfoContentType(version), doc)
}
