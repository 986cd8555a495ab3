package server

import (
	"io"
	"net/http"

	"herald/public"
)

// handleMinimumAge answers GET /about/minimum-age: the operator's
// minimum-age policy (operator.minimum_age_policy_file) or Herald's
// default: accounts are organisations, none are for individuals, and no
// data is knowingly collected from children under 13.
func (s *Server) handleMinimumAge(w http.ResponseWriter, r *http.Request) {
	page := public.PolicyPage{Site: s.site(), Custom: public.Blocks(s.o.Config.Operator.MinimumAgePolicy)}
	s.writePublicPage(w, r, func(w io.Writer) error { return s.o.Public.MinimumAge(w, page) })
}
