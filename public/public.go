// Package public renders the public pages: the server page (who runs it,
// how to reach them, the accounts it serves), the privacy policy, the
// minimum-age policy, and each account's page, its posts' pages and its
// follow form's error page. The pages are server-side HTML (html/template,
// one embedded stylesheet), without JavaScript, and every page links both
// policies. Their fixed text comes from a small catalogue (messages.go) in
// the language of Site.Lang, English when the catalogue lacks it: the
// server's pages are in the operator's language, an account's pages in
// the account's (see Language). The operator's own policy text replaces
// the default; it is shown as escaped paragraphs and headings (see
// Blocks), never as raw HTML. Package public renders view models and does
// no I/O beyond writing the page.
package public

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

// CSSPath is where the server serves CSS; the pages link it.
const CSSPath = "/about/style.css"

// Site is what every page shows of the server.
type Site struct {
	// Lang is the HTML lang attribute ("en", "nl").
	Lang string
	// Host is the server's host name; Operator the organisation running
	// it ("" when not configured).
	Host, Operator string
	// ContactEmail and ContactURL are how to reach the operator; either
	// or both may be "".
	ContactEmail, ContactURL string
}

// Runner names who runs the server, in English for the default policy
// texts: the operator, or the host's operator.
func (s Site) Runner() string {
	if s.Operator != "" {
		return s.Operator
	}
	return "the operator of " + s.Host
}

// Account is one account the server serves.
type Account struct {
	// Handle is the full handle (@news@example.org); Name the display name.
	Handle, Name string
	// ActorURL is the actor's id (browsers are sent to the website);
	// Website the site whose feed it publishes.
	ActorURL, Website string
	// ShowFollowers tells whether its followers collection lists them.
	ShowFollowers bool
}

// AboutPage is the server page.
type AboutPage struct {
	Site
	Accounts []Account
}

// PolicyPage is a policy page: the operator's text (Custom) or, when it
// is empty, Herald's default.
type PolicyPage struct {
	Site
	Custom []Block
	// ListsFollowers names the accounts whose followers are listed
	// publicly (show_followers), for the default privacy text.
	ListsFollowers []string
}

// Block is one heading or paragraph of an operator's policy text.
type Block struct {
	// Heading is set for a line that starts with "#"; Text is the
	// heading's or paragraph's text.
	Heading bool
	Text    string
}

// Blocks splits an operator's text into paragraphs at blank lines; a
// paragraph of one line starting with "#" (a Markdown heading) becomes a
// heading. Nothing else of Markdown is interpreted: the text is escaped
// when rendered, so a policy file can hold no markup or script.
func Blocks(text string) []Block {
	var out []Block
	for _, para := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		para = strings.TrimSpace(para)
		switch {
		case para == "":
		case strings.HasPrefix(para, "#") && !strings.Contains(para, "\n"):
			out = append(out, Block{Heading: true, Text: strings.TrimSpace(strings.TrimLeft(para, "#"))})
		default:
			out = append(out, Block{Text: para})
		}
	}
	return out
}

// head is what a page's head and header show.
type head struct {
	Title string
	Site  Site
}

// Pages renders the public pages. It is safe for concurrent use.
type Pages struct {
	// byLang holds the templates worded in each language of the
	// catalogue, keyed by its code.
	byLang map[string]*template.Template
}

// New parses the embedded templates once for each language of the
// catalogue.
func New() (*Pages, error) {
	p := &Pages{byLang: make(map[string]*template.Template, len(catalogue))}
	for code, w := range catalogue {
		t, err := template.New("").Funcs(w.funcs(code)).ParseFS(files, "templates/*.html")
		if err != nil {
			return nil, fmt.Errorf("public templates: %w", err)
		}
		p.byLang[code] = t
	}
	return p, nil
}

// execute writes the page name with data, worded in the language of
// site.Lang (English when the pages do not speak it).
func (p *Pages) execute(w io.Writer, name string, site Site, data any) error {
	return p.byLang[wordedIn(site.Lang)].ExecuteTemplate(w, name, data)
}

// CSS returns the stylesheet served at CSSPath.
func CSS() []byte {
	b, _ := files.ReadFile("templates/style.css")
	return b
}

// About writes the server page.
func (p *Pages) About(w io.Writer, page AboutPage) error {
	return p.execute(w, "about.html", page.Site, page)
}

// Privacy writes the privacy policy.
func (p *Pages) Privacy(w io.Writer, page PolicyPage) error {
	return p.execute(w, "privacy.html", page.Site, page)
}

// MinimumAge writes the minimum-age policy.
func (p *Pages) MinimumAge(w io.Writer, page PolicyPage) error {
	return p.execute(w, "minimum_age.html", page.Site, page)
}

// ProfilePage is an account's page: its profile and its newest posts.
type ProfilePage struct {
	Site
	// Name is the display name; Handle the full handle (@news@example.org).
	Name, Handle string
	// IconURL is the avatar, HeaderURL the banner, "" for none; Website
	// the site whose feed the account publishes.
	IconURL, HeaderURL, Website string
	// Bio is the account's summary, as paragraphs of plain text.
	Bio []Block
	// Fields are the profile's name/value table.
	Fields []Field
	// Pinned are the account's pinned posts, shown above the newest.
	Pinned []PostLink
	// Posts are the newest posts, newest first.
	Posts []PostLink
	// FollowURL is where the "follow from your server" form goes.
	FollowURL string
	// Newer is the URL of the first page when this is a later one, Older
	// the URL of the next page of older posts; "" when there is none.
	Newer, Older string
	// ContentLang is the language of the account's own text (name, bio,
	// fields, post titles), marked on it; the page around it is in
	// Site.Lang.
	ContentLang string
}

// Field is one row of a profile's table. Value is shown as text; URL,
// when set, makes it a link, with rel="me" when Me is set (the link that
// Mastodon shows as verified).
type Field struct {
	Name, Value, URL string
	Me               bool
}

// PostLink is one post in a profile's list.
type PostLink struct {
	// Title is the post's title; URL its page here; ArticleURL the
	// article on the website ("" if none).
	Title, URL, ArticleURL string
	// Published is when the post was published.
	Published time.Time
}

// Profile writes an account's page. The account's text is marked with
// ContentLang where that differs from the page's language.
func (p *Pages) Profile(w io.Writer, page ProfilePage) error {
	if strings.EqualFold(page.ContentLang, page.Lang) {
		page.ContentLang = ""
	}
	return p.execute(w, "profile.html", page.Site, page)
}

// FollowErrorPage tells a visitor that what they typed in an account's
// follow form names no server, and what to type.
type FollowErrorPage struct {
	Site
	// Handle is the account's handle without "@" (news@example.org);
	// Typed what the visitor typed, already cut short.
	Handle, Typed string
	// Back is the account's page.
	Back string
}

// FollowError writes the follow form's error page.
func (p *Pages) FollowError(w io.Writer, page FollowErrorPage) error {
	return p.execute(w, "follow_error.html", page.Site, page)
}

// PostPage is a post's page.
type PostPage struct {
	Site
	// Title is the post's title; Content its HTML, sanitised when the post
	// was made (package actor keeps only text markup and links).
	Title   string
	Content template.HTML
	// ContentLang is the language of the post (title, content, alt
	// texts), marked on it; the page around it is in Site.Lang.
	ContentLang string
	// Account is the name of the account that posted it, AccountURL its
	// page.
	Account, AccountURL string
	// ArticleURL is the article on the website, "" if none.
	ArticleURL string
	// Images are the post's images.
	Images []Image
	// Published and Updated are when the post was published and last
	// edited (Updated is zero if never).
	Published, Updated time.Time
	// Likes, Boosts and Replies count the post's interactions.
	Likes, Boosts, Replies int
}

// Image is an image of a post, with its alt text ("" when the site gave
// none).
type Image struct {
	URL, Alt string
}

// Post writes a post's page. The post is marked with ContentLang where
// that differs from the page's language.
func (p *Pages) Post(w io.Writer, page PostPage) error {
	if strings.EqualFold(page.ContentLang, page.Lang) {
		page.ContentLang = ""
	}
	return p.execute(w, "post.html", page.Site, page)
}
