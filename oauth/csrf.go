package oauth

import (
	"crypto/subtle"
	"net/http"
	"strings"
)

// csrfCookie holds the sign-in form's anti-forgery token, which the form
// repeats in a hidden field (double submit). The cookie is HttpOnly and
// SameSite=Strict, so another site can neither read it nor send it; the
// form's POST is also refused when the browser says it came from another
// origin (http.CrossOriginProtection, in Routes).
const csrfCookie = "herald_oauth_csrf"

// csrfToken returns the browser's anti-forgery token, setting a new one
// when it has none (or a malformed one).
func (s *Server) csrfToken(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(csrfCookie); err == nil && len(c.Value) == 43 {
		return c.Value
	}
	tok := randomToken()
	http.SetCookie(w, &http.Cookie{Name: csrfCookie, Value: tok, Path: "/oauth/", HttpOnly: true,
		Secure: strings.HasPrefix(s.o.Config.BaseURL, "https://"), SameSite: http.SameSiteStrictMode})
	return tok
}

// validCSRF reports whether the form's token matches the cookie's.
func validCSRF(r *http.Request) bool {
	c, err := r.Cookie(csrfCookie)
	field := r.PostForm.Get("csrf")
	return err == nil && field != "" && subtle.ConstantTimeCompare([]byte(c.Value), []byte(field)) == 1
}
