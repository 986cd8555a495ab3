package oauth

import (
	"bytes"
	"embed"
	"html/template"
	"net/http"
	"strings"

	"herald/dashboard"
)

//go:embed templates/*.html templates/extra.css
var files embed.FS

// stylePath is where the sign-in pages' stylesheet is served: the
// statistics pages' one (package dashboard) with a few additions.
const stylePath = "/oauth/style.css"

// hidden is a hidden form field.
type hidden struct{ Name, Value string }

// page is what every page shows.
type page struct {
	Title, Host string
}

// signInPage is the sign-in form.
type signInPage struct {
	page
	AppName, AppWebsite string
	Scopes              []string
	CSRF                string
	Fields              []hidden
	UserName, Error     string
}

// accountChoice is one account on the account choice page.
type accountChoice struct{ Handle, Label string }

// choosePage asks an admin token that may use several accounts which one.
type choosePage struct {
	page
	AppName  string
	CSRF     string
	Fields   []hidden
	Ticket   string
	Accounts []accountChoice
	Error    string
}

// codePage shows the code to an out-of-band client.
type codePage struct {
	page
	AppName, Code string
}

// errorPage says what went wrong.
type errorPage struct {
	Title, Message, Code string
}

func parsePages() (*template.Template, error) {
	return template.ParseFS(files, "templates/*.html")
}

// showPage renders the template name with data and status. The page
// allows no scripts, its own stylesheet, and forms that go to Herald or
// to formAction (the app's redirect URI, which the form's answer
// redirects to: browsers apply form-action to that redirect too).
func (s *Server) showPage(w http.ResponseWriter, r *http.Request, status int, name string, data any, formAction string) {
	if e, ok := data.(errorPage); ok { // the error template reads the host too
		data = struct {
			errorPage
			Host string
		}{e, s.o.Config.HandleDomain()}
	}
	var buf bytes.Buffer
	if err := s.pages.ExecuteTemplate(&buf, name, data); err != nil {
		s.o.Log.Error("render sign-in page", "page", name, "path", r.URL.Path, "error", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", strings.TrimSpace("default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; frame-ancestors 'none'; form-action 'self' "+formAction))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// handleStyle answers GET /oauth/style.css.
func (s *Server) handleStyle(w http.ResponseWriter, _ *http.Request) {
	extra, _ := files.ReadFile("templates/extra.css")
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "max-age=3600")
	_, _ = w.Write(append(dashboard.CSS(), extra...))
}

// scopeWords says in words what the scopes let an app do, in the order
// asked.
func scopeWords(scopes []string) []string {
	words := map[string]string{
		"read":    "read the account's profile and posts (read)",
		"write":   "post, answer and delete as the account (write; not possible yet in this version of Herald)",
		"follow":  "follow and block (follow; Herald's accounts follow no one)",
		"push":    "receive push notifications (push; Herald sends none yet)",
		"profile": "see the account's profile (profile)",
	}
	var out []string
	for _, sc := range scopes {
		if w, ok := words[sc]; ok {
			out = append(out, w)
			continue
		}
		out = append(out, strings.ReplaceAll(sc, ":", ": "))
	}
	return out
}
