package server

import (
	"net/http"
	"strings"

	"herald/actor"
	"herald/respond"
)

// handleWebFinger answers GET /.well-known/webfinger?resource=acct:HANDLE@HOST
// (RFC 7033) with the JRD linking to the actor. The actor URL is accepted as
// resource too; handles are case-insensitive. With account_domain set,
// acct:HANDLE@ACCOUNT_DOMAIN and acct:HANDLE@HOST both answer, with the
// former as subject: that is the handle peers show. The relay actor
// answers for acct:relay@HOST and its URL unless an account is called
// relay. The instance actor
// answers for its URL and for the subject it advertises (see
// actor.URLs.IsInstanceResource), also when base_url has a port.
func (s *Server) handleWebFinger(w http.ResponseWriter, r *http.Request) {
	resource := r.URL.Query().Get("resource")
	if resource == "" {
		respond.Error(w, http.StatusBadRequest, "resource parameter required")
		return
	}
	handle, ok := s.o.Render.ParseResource(resource, s.o.Config.Host())
	if !ok && s.o.Config.AccountDomain != "" {
		handle, ok = s.o.Render.ParseResource(resource, s.o.Config.AccountDomain)
	}
	if !s.o.Accounts.Known(handle) && (s.o.Render.IsInstanceResource(resource, s.o.Config.Host()) || ok && handle == strings.ToLower(s.o.Config.Host())) {
		s.writeInstanceWebFinger(w, r)
		return
	}
	if !s.o.Accounts.Known(handle) && (ok && handle == actor.RelayUsername || resource == s.o.Render.RelayActor()) {
		s.writeRelayWebFinger(w, r)
		return
	}
	if !ok || !s.o.Accounts.Known(handle) || !s.o.Accounts.Published(handle) {
		respond.Error(w, http.StatusNotFound, "no such account")
		return
	}
	st, err := s.o.Store.FeedState(handle)
	if err != nil {
		respond.InternalError(w, s.o.Log, r, err)
		return
	}
	doc, err := s.o.Render.WebFinger(handle, s.o.Config.HandleDomain(), st.SiteURL)
	if err != nil {
		respond.InternalError(w, s.o.Log, r, err)
		return
	}
	w.Header().Set("Access-Control-Allow-Origin", "*")
	respond.Bytes(w, actor.JRDContentType, doc)
}

// writeInstanceWebFinger answers for the instance actor
// (acct:USERNAME@HOST, see actor.InstanceUsername, or its URL).
func (s *Server) writeInstanceWebFinger(w http.ResponseWriter, r *http.Request) {
	doc, err := s.o.Render.InstanceWebFinger(s.o.Config.Host())
	if err != nil {
		respond.InternalError(w, s.o.Log, r, err)
		return
	}
	w.Header().Set("Access-Control-Allow-Origin", "*")
	respond.Bytes(w, actor.JRDContentType, doc)
}

// writeRelayWebFinger answers for the relay actor (acct:relay@HOST, or its
// URL): relays look their subscribers up so.
func (s *Server) writeRelayWebFinger(w http.ResponseWriter, r *http.Request) {
	doc, err := s.o.Render.RelayWebFinger(s.o.Config.Host())
	if err != nil {
		respond.InternalError(w, s.o.Log, r, err)
		return
	}
	w.Header().Set("Access-Control-Allow-Origin", "*")
	respond.Bytes(w, actor.JRDContentType, doc)
}
