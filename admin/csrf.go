package admin

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"

	"herald/config"
	"herald/dashboard"
)

// maxFormBytes bounds the body of a statistics page's form.
const maxFormBytes = 64 << 10

// csrfToken returns the anti-forgery token that the forms of the session
// of r, signed in with tok, carry: the HMAC-SHA256 of the session (the
// cookie's value: the token's hash and the sign-in's nonce) keyed with
// the admin token itself. The token is a secret of the config that never
// reaches the browser after the sign-in (the cookie holds its hash), so
// another site cannot make the field, each sign-in has its own, and
// every replica and restart computes the same one without storing
// anything. The session cookie is SameSite=Strict as well.
func csrfToken(r *http.Request, tok config.AdminToken) string {
	session := ""
	if c, err := r.Cookie(sessionCookie); err == nil {
		session = c.Value
	}
	mac := hmac.New(sha256.New, []byte(tok.Token))
	mac.Write([]byte("herald statistics pages csrf\x00" + session))
	return hex.EncodeToString(mac.Sum(nil))
}

// validCSRF reports whether the form of r carries its session's token.
func validCSRF(r *http.Request, tok config.AdminToken) bool {
	field, err := hex.DecodeString(r.PostForm.Get("csrf"))
	want, _ := hex.DecodeString(csrfToken(r, tok))
	return err == nil && hmac.Equal(field, want)
}

// form wraps the handler of a statistics page's form (a POST). The
// request is refused with 403, and changes nothing, when the browser says
// it came from another site (Origin or Sec-Fetch-Site, checked by
// http.CrossOriginProtection), when the browser is not signed in, or when
// the form's csrf field is not its session's token.
func (a *Admin) form(h func(http.ResponseWriter, *http.Request, config.AdminToken)) http.Handler {
	checked := func(w http.ResponseWriter, r *http.Request) {
		pageHeaders(w)
		r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
		tok, signedIn := a.dashboardToken(r)
		if !signedIn {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(http.StatusForbidden)
			a.renderPage(w, r, func() error {
				return a.o.Pages.Login(w, dashboard.LoginPage{Error: "You are signed out: sign in, then send the form again."})
			})
			return
		}
		if r.ParseForm() != nil || !validCSRF(r, tok) {
			a.o.Log.Warn("statistics pages: form refused, its csrf token is wrong", "path", r.URL.Path, "who", tok.Name)
			http.Error(w, "This form could not be checked. Go back, reload the page and send it again.", http.StatusForbidden)
			return
		}
		h(w, r, tok)
	}
	return http.NewCrossOriginProtection().Handler(http.HandlerFunc(checked))
}
