package oauth

import (
	"crypto/sha256"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"herald/ratelimit"
	"herald/store"
)

// codeLife is how long an authorization code may be exchanged
// (Doorkeeper's default, which Mastodon keeps).
const codeLife = 10 * time.Minute

// Messages of the sign-in pages.
const (
	msgWrong     = "The user name or password is wrong."
	msgExpired   = "This form has expired or did not come from this server. Go back to the app and sign in again."
	msgTooMany   = "Too many sign-in attempts. Wait a minute, then try again."
	msgNoAccount = "You may not sign in to any account on this server."
	msgChoose    = "Choose one of the accounts listed."
)

// showSignIn renders the sign-in form for req.
func (s *Server) showSignIn(w http.ResponseWriter, r *http.Request, req authRequest, status int, msg string) {
	s.showPage(w, r, status, "signin", signInPage{page: page{Title: "Sign in", Host: s.o.Config.HandleDomain()},
		AppName: req.app.Name, AppWebsite: req.app.Website, Scopes: scopeWords(req.scopes), CSRF: s.csrfToken(w, r),
		Fields: req.fields(), UserName: r.PostFormValue("username"), Error: msg}, req.formAction())
}

// fields are req's parameters as the form's hidden fields.
func (req authRequest) fields() []hidden {
	var out []hidden
	for _, f := range []hidden{{"response_type", req.ResponseType}, {"client_id", req.ClientID}, {"redirect_uri", req.RedirectURI},
		{"scope", req.Scope}, {"state", req.State}, {"code_challenge", req.CodeChallenge}, {"code_challenge_method", req.CodeChallengeMethod}} {
		if f.Value != "" {
			out = append(out, f)
		}
	}
	return out
}

// handleSignIn answers POST /oauth/authorize, the sign-in form: the
// anti-forgery token and the authorization request are checked again;
// Deny goes back to the app with access_denied; a user name and password
// (or an admin token) within the attempt limits sign in, and an admin
// token that may use several accounts is asked which (a second form,
// carrying a ticket instead of the password). Then the app gets its code.
func (s *Server) handleSignIn(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	if err := r.ParseForm(); err != nil {
		s.showPage(w, r, http.StatusBadRequest, "error", errorPage{Title: "An error has occurred", Message: "The form could not be read."}, "")
		return
	}
	req := readAuthRequest(r.PostForm)
	if !validCSRF(r) {
		s.showPage(w, r, http.StatusForbidden, "error", errorPage{Title: "Sign-in refused", Message: msgExpired}, "")
		return
	}
	if aerr := s.check(&req); aerr != nil {
		s.refuse(w, r, req, aerr)
		return
	}
	switch {
	case r.PostForm.Get("decision") == "deny":
		s.refuse(w, r, req, &authError{oauthError: newError(errAccessDenied), redirectable: true})
	case r.PostForm.Get("ticket") != "":
		s.chosen(w, r, req)
	default:
		s.signIn(w, r, req)
	}
}

// signIn checks the user name and password (or admin token).
func (s *Server) signIn(w http.ResponseWriter, r *http.Request, req authRequest) {
	now := s.o.Now()
	name := strings.ToLower(strings.TrimSpace(r.PostForm.Get("username")))
	if wait, ok := s.allowAttempt(r, name, now); !ok {
		w.Header().Set("Retry-After", retryAfter(wait))
		s.showSignIn(w, r, req, http.StatusTooManyRequests, msgTooMany)
		return
	}
	who, handles, err := s.credentials(name, r.PostForm.Get("password"))
	if errors.Is(err, errWrongCredentials) {
		s.o.Log.Warn("sign-in refused", "ip", ratelimit.ClientIP(r), "user", name, "client_id", req.ClientID)
		s.showSignIn(w, r, req, http.StatusUnauthorized, msgWrong)
		return
	}
	if err != nil {
		s.o.Log.Error("sign-in", "user", name, "error", err)
		s.showPage(w, r, http.StatusInternalServerError, "error", errorPage{Title: "An error has occurred", Message: descriptions[errServerError]}, "")
		return
	}
	switch len(handles) {
	case 0:
		s.showPage(w, r, http.StatusForbidden, "error", errorPage{Title: "Sign-in refused", Message: msgNoAccount}, "")
	case 1:
		s.grant(w, r, req, who, handles[0])
	default:
		s.showChoice(w, r, req, handles, s.newTicket(who, req.ClientID, now), http.StatusOK, "")
	}
}

// allowAttempt counts a sign-in attempt from r's address and, when one is
// named, for the user; either over its limit refuses it.
func (s *Server) allowAttempt(r *http.Request, name string, now time.Time) (time.Duration, bool) {
	if ok, wait := s.signInByIP.Allow(ratelimit.ClientIP(r), now); !ok {
		return wait, false
	}
	if name != "" {
		if ok, wait := s.signInByUser.Allow(name[:min(len(name), 64)], now); !ok {
			return wait, false
		}
	}
	return 0, true
}

// showChoice renders the account choice.
func (s *Server) showChoice(w http.ResponseWriter, r *http.Request, req authRequest, handles []string, tk string, status int, msg string) {
	p := choosePage{page: page{Title: "Choose an account", Host: s.o.Config.HandleDomain()}, AppName: req.app.Name,
		CSRF: s.csrfToken(w, r), Fields: req.fields(), Ticket: tk, Error: msg}
	for _, h := range handles {
		p.Accounts = append(p.Accounts, accountChoice{Handle: h, Label: "@" + h + "@" + s.o.Config.HandleDomain()})
	}
	s.showPage(w, r, status, "choose", p, req.formAction())
}

// chosen takes the account choice: a genuine, unexpired ticket and an
// account its holder may use.
func (s *Server) chosen(w http.ResponseWriter, r *http.Request, req authRequest) {
	tk := r.PostForm.Get("ticket")
	who, ok := s.readTicket(tk, req.ClientID, s.o.Now())
	if !ok {
		s.showSignIn(w, r, req, http.StatusUnauthorized, msgExpired)
		return
	}
	handle := r.PostForm.Get("account")
	if !s.mayUse(who, handle) {
		s.showChoice(w, r, req, s.allowedFor(who), tk, http.StatusForbidden, msgChoose)
		return
	}
	s.grant(w, r, req, who, handle)
}

// allowedFor lists the accounts who may use.
func (s *Server) allowedFor(who store.Principal) []string {
	var out []string
	for _, h := range s.o.Accounts.Handles() {
		if s.mayUse(who, h) {
			out = append(out, h)
		}
	}
	return out
}

// grant issues the authorization code for handle, writes the sign-in to
// the audit log, and sends the code to the app (or shows it, out of band).
func (s *Server) grant(w http.ResponseWriter, r *http.Request, req authRequest, who store.Principal, handle string) {
	now := s.o.Now().UTC()
	code := randomToken()
	sum := sha256.Sum256([]byte(code))
	c := store.OAuthCode{ClientID: req.app.ClientID, Handle: handle, Who: who, RedirectURI: req.RedirectURI, Scopes: req.scopes,
		Challenge: req.CodeChallenge, ChallengeMethod: req.CodeChallengeMethod, Created: now, Expires: now.Add(codeLife)}
	if err := s.o.Store.PutOAuthCode(sum[:], c, now); err != nil {
		s.o.Log.Error("store authorization code", "client_id", req.ClientID, "error", err)
		s.showPage(w, r, http.StatusInternalServerError, "error", errorPage{Title: "An error has occurred", Message: descriptions[errServerError]}, "")
		return
	}
	entry := store.AuditEntry{At: now, Action: store.AuditSignIn, Who: who, Account: handle, App: req.app.Name, ClientID: req.app.ClientID}
	if err := s.o.Store.AddAudit(entry); err != nil {
		s.o.Log.Error("write audit log", "action", entry.Action, "error", err)
	}
	s.o.Log.Info("signed in", "account", handle, "who", who.Name, "kind", who.Kind, "client_id", req.ClientID, "app", req.app.Name)
	if req.RedirectURI == OutOfBand {
		s.showPage(w, r, http.StatusOK, "code", codePage{page: page{Title: "Authorization code", Host: s.o.Config.HandleDomain()},
			AppName: req.app.Name, Code: code}, "")
		return
	}
	http.Redirect(w, r, req.redirect(url.Values{"code": {code}}), http.StatusFound)
}
