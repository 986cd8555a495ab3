package server

import (
	"io"
	"net/http"
	"net/url"

	"herald/actor"
	"herald/public"
	"herald/respond"
)

// handleAbout answers GET /about: the server page, with who runs the
// service, how to reach them, the published accounts (handle, name, actor
// and website) and links to both policies.
func (s *Server) handleAbout(w http.ResponseWriter, r *http.Request) {
	page := public.AboutPage{Site: s.site()}
	for _, f := range s.o.Config.Feeds {
		if !s.o.Accounts.Published(f.Handle) {
			continue
		}
		p, err := s.o.Accounts.Profile(f.Handle)
		if err != nil {
			respond.InternalError(w, s.o.Log, r, err)
			return
		}
		page.Accounts = append(page.Accounts, public.Account{
			Handle: "@" + f.Handle + "@" + s.o.Config.HandleDomain(), Name: p.Name,
			ActorURL: s.o.Render.Actor(f.Handle), Website: p.SiteURL,
		})
	}
	s.writePublicPage(w, r, func(w io.Writer) error { return s.o.Public.About(w, page) })
}

// site returns what every public page shows of the server.
func (s *Server) site() public.Site {
	op := s.o.Config.Operator
	return public.Site{Lang: op.Lang(), Host: s.o.Config.Host(), Operator: op.Name,
		ContactEmail: op.ContactEmail(), ContactURL: op.ContactURL()}
}

// accountSite returns what an account's pages show of the server, worded
// in the account's language (p.Language, the configured language else
// the feed's) when the pages speak it, else in operator.language's, else
// in English.
func (s *Server) accountSite(p actor.Profile) public.Site {
	site := s.site()
	site.Lang = public.Language(p.Language, site.Lang)
	return site
}

// writePublicPage answers with the HTML page render writes, under the
// policy of every public page: no scripts, no frames, styles from this
// server only, images from the origins of imageURLs only (an account's
// avatar and its posts' images).
func (s *Server) writePublicPage(w http.ResponseWriter, r *http.Request, render func(io.Writer) error, imageURLs ...string) {
	s.writePublicPageStatus(w, r, http.StatusOK, render, imageURLs...)
}

// writePublicPageStatus is writePublicPage answering status.
func (s *Server) writePublicPageStatus(w http.ResponseWriter, r *http.Request, status int, render func(io.Writer) error, imageURLs ...string) {
	csp := "default-src 'none'; style-src 'self'; frame-ancestors 'none'"
	if src := imageSources(imageURLs); src != "" {
		csp += "; img-src" + src
	}
	w.Header().Set("Cache-Control", "max-age=300")
	w.Header().Set("Content-Security-Policy", csp)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if err := render(w); err != nil {
		s.o.Log.Error("render public page", "path", r.URL.Path, "error", err)
	}
}

// imageSources returns the CSP source list (" https://a.example
// https://b.example") of the http(s) origins of urls, each once.
func imageSources(urls []string) string {
	seen := map[string]bool{}
	var src string
	for _, raw := range urls {
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			continue
		}
		origin := u.Scheme + "://" + u.Host
		if !seen[origin] {
			seen[origin] = true
			src += " " + origin
		}
	}
	return src
}
