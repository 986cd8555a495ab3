package server

import (
	"io"
	"net/http"

	"herald/public"
)

// handlePrivacy answers GET /about/privacy: the operator's privacy policy
// (operator.privacy_policy_file) or Herald's default, which says what the
// server stores, for how long, what it shares and how to have data
// exported or erased.
func (s *Server) handlePrivacy(w http.ResponseWriter, r *http.Request) {
	page := public.PolicyPage{Site: s.site(), Custom: public.Blocks(s.o.Config.Operator.PrivacyPolicy)}
	for _, f := range s.o.Config.Feeds {
		if f.ShowFollowers {
			page.ListsFollowers = append(page.ListsFollowers, "@"+f.Handle+"@"+s.o.Config.HandleDomain())
		}
	}
	s.writePublicPage(w, r, func(w io.Writer) error { return s.o.Public.Privacy(w, page) })
}
