// Package dashboard renders the publisher's statistics pages: server-side
// HTML (html/template, embedded CSS, inline SVG charts), small, accessible
// and usable without JavaScript. It renders view models; it does no I/O of
// its own beyond writing the page.
package dashboard

import (
	"embed"
	"fmt"
	"html/template"
	"io"
	"strings"
	"time"
)

//go:embed templates/*.html templates/style.css
var files embed.FS

// Health is a feed's state in plain words.
type Health struct {
	LastAttempt, LastSuccess time.Time
	LastError                string
	Failures                 int
}

// OK reports whether the last poll worked.
func (h Health) OK() bool { return h.LastError == "" && !h.LastSuccess.IsZero() }

// Words says how the feed is doing, for people who are not engineers.
func (h Health) Words(now time.Time) string {
	switch {
	case h.LastAttempt.IsZero():
		return "Not checked yet: Herald reads the feed within a few minutes of starting."
	case h.OK():
		return "Working. Last read " + ago(now, h.LastSuccess) + "."
	default:
		since := "never read successfully"
		if !h.LastSuccess.IsZero() {
			since = "last read successfully " + ago(now, h.LastSuccess)
		}
		return fmt.Sprintf("Not working (%d failed attempts in a row, %s). %s", h.Failures, since, advice(h.LastError))
	}
}

// advice turns the usual errors into a sentence.
func advice(err string) string {
	lower := strings.ToLower(err)
	switch {
	case strings.Contains(lower, "404"):
		return "The feed address answers \"not found\": it may have moved. Last error: " + err
	case strings.Contains(lower, "timeout"):
		return "The website did not answer in time. Last error: " + err
	case strings.Contains(lower, "not a feed"):
		return "The address returns a web page, not a feed. Last error: " + err
	case strings.Contains(lower, "not public"):
		return "The address is on a private network that Herald may not reach. Last error: " + err
	default:
		return "Last error: " + err
	}
}

func ago(now, t time.Time) string {
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return "less than a minute ago"
	case d < time.Hour:
		return fmt.Sprintf("%d minutes ago", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d hours ago", int(d.Hours()))
	default:
		return fmt.Sprintf("%d days ago", int(d.Hours()/24))
	}
}

// Account is one account's summary line.
type Account struct {
	Handle, Name, ID, FeedURL string
	Followers, Posts          int
	Health                    Health
}

// Post is one post with its reach.
type Post struct {
	Title, URL, ID             string
	Published                  time.Time
	Likes, Boosts, Replies     int
	Delivered, Pending, Failed int
}

// Interactions is the sum a post is ranked by.
func (p Post) Interactions() int { return p.Likes + p.Boosts + p.Replies }

// Reply is a reply to one of the account's posts (webcare).
type Reply struct {
	Author, AuthorURL, URL, InReplyTo string
	Content                           template.HTML // sanitised by the caller
	At                                time.Time
}

// WeekCount is a number for the week starting at Start.
type WeekCount struct {
	Start time.Time
	Count int
}

// AccountPage is everything on one account's page.
type AccountPage struct {
	Account
	Now               time.Time
	FollowersOverTime []Point
	NewPerWeek        []WeekCount
	Posts             []Post
	TopPosts          []Post
	Replies           []Reply
}

// OverviewPage lists the accounts a token may see.
type OverviewPage struct {
	Now      time.Time
	Accounts []Account
	// Relays are shown to operators only (nil for publishers).
	Relays []Relay
}

// Relay is one relay subscription on the overview.
type Relay struct {
	URL, Flavour, State, LastError string
	Since                          time.Time
	Feeds                          []string
}

// TagPost is one post on a hashtag page.
type TagPost struct {
	Title, URL, Account string
	Published           time.Time
}

// TagPage lists the posts carrying one hashtag.
type TagPage struct {
	Name  string
	Posts []TagPost
}

// LoginPage asks for a token.
type LoginPage struct {
	Error string
}

// Pages renders the dashboard. It is safe for concurrent use.
type Pages struct {
	t *template.Template
}

// New parses the embedded templates.
func New() (*Pages, error) {
	t, err := template.New("").Funcs(template.FuncMap{
		"chart":      LineChart,
		"visibility": VisibilityWords,
		"iso":        func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"date":       func(t time.Time) string { return t.UTC().Format("2 Jan 2006") },
		"when": func(t time.Time) string {
			if t.IsZero() {
				return "never"
			}
			return t.UTC().Format("2 Jan 2006 15:04 UTC")
		},
	}).ParseFS(files, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("dashboard templates: %w", err)
	}
	return &Pages{t: t}, nil
}

// CSS returns the stylesheet served at /admin/style.css.
func CSS() []byte {
	b, _ := files.ReadFile("templates/style.css")
	return b
}

// Login writes the login page.
func (p *Pages) Login(w io.Writer, page LoginPage) error {
	return p.t.ExecuteTemplate(w, "login.html", page)
}

// Overview writes the list of accounts.
func (p *Pages) Overview(w io.Writer, page OverviewPage) error {
	return p.t.ExecuteTemplate(w, "overview.html", page)
}

// Tag writes a hashtag's public page.
func (p *Pages) Tag(w io.Writer, page TagPage) error { return p.t.ExecuteTemplate(w, "tag.html", page) }

// Account writes one account's statistics.
func (p *Pages) Account(w io.Writer, page AccountPage) error {
	return p.t.ExecuteTemplate(w, "account.html", page)
}
