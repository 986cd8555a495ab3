package feeds

import "net/http"

// redirects records the redirects a fetch followed.
type redirects struct {
	hops int
	// permanent stays true while every hop was 301 or 308.
	permanent bool
}

// follow returns a copy of c that records the redirects it follows in r,
// and still applies c's own redirect policy (the hop limit).
func (r *redirects) follow(c *http.Client) *http.Client {
	copied := *c
	orig := c.CheckRedirect
	r.permanent = true
	copied.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		r.hops++
		if req.Response == nil || (req.Response.StatusCode != http.StatusMovedPermanently && req.Response.StatusCode != http.StatusPermanentRedirect) {
			r.permanent = false
		}
		if orig != nil {
			return orig(req, via)
		}
		if len(via) >= 10 {
			return http.ErrUseLastResponse
		}
		return nil
	}
	return &copied
}

// movedTo is the URL a feed has permanently moved to: the final URL when
// every redirect followed was permanent (301 or 308), else "".
func (r *redirects) movedTo(final string) string {
	if r.hops > 0 && r.permanent {
		return final
	}
	return ""
}
