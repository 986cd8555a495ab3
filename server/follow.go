package server

import (
	"context"
	"io"
	"net/http"
	"strings"

	"herald/public"
	"herald/remotefollow"
	"herald/respond"
)

// handleFollow answers POST /users/{handle}/follow with server=INPUT, the
// profile page's "follow from your server" form: INPUT is the visitor's
// handle or server, and the answer redirects to the page of that server
// where they authorize the follow (package remotefollow), looked up
// through the outbound client within fetch_timeout. Input that names no
// server gets a 400 page that says what to type. Only the form's POST
// redirects (a GET gets 405): a link on the government's domain must not
// send readers to a server of the link's author's choosing.
func (s *Server) handleFollow(w http.ResponseWriter, r *http.Request) {
	handle, ok := s.knownHandle(r)
	if !ok || !s.o.Accounts.Published(handle) {
		respond.Error(w, http.StatusNotFound, "no such account")
		return
	}
	acct := "acct:" + handle + "@" + s.o.Config.HandleDomain()
	v, err := remotefollow.Parse(r.PostFormValue("server"))
	if err != nil {
		s.writeFollowError(w, r, handle, acct[len("acct:"):])
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.o.Config.FetchTimeout.Std())
	defer cancel()
	target := remotefollow.Target(ctx, s.o.Client, v, acct)
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// writeFollowError answers 400 with the page that tells the visitor what
// to type in the follow form of handle (whose handle is addr), in the
// account's language as its page is.
func (s *Server) writeFollowError(w http.ResponseWriter, r *http.Request, handle, addr string) {
	profile, err := s.o.Accounts.Profile(handle)
	if err != nil {
		respond.InternalError(w, s.o.Log, r, err)
		return
	}
	page := public.FollowErrorPage{Site: s.accountSite(profile), Handle: addr,
		Typed: cutInput(r.PostFormValue("server")), Back: s.o.Render.Actor(handle)}
	s.writePublicPageStatus(w, r, http.StatusBadRequest, func(w io.Writer) error { return s.o.Public.FollowError(w, page) })
}

// cutInput returns what the visitor typed, cut to 100 bytes.
func cutInput(in string) string {
	if len(in) > 100 {
		in = strings.ToValidUTF8(in[:100], "") + "…"
	}
	return in
}
