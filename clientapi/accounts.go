package clientapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"herald/oauth"
	"herald/respond"
	"herald/store"
)

// actorDoc is what an Account reads of the account's actor document, so
// that the client API shows the profile exactly as peers see it.
type actorDoc struct {
	Type       string `json:"type"`
	Name       string `json:"name"`
	Summary    string `json:"summary"`
	Attachment []struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	} `json:"attachment"`
}

// account returns handle's Account.
func (a *API) account(handle string) (Account, error) {
	p, err := a.o.Accounts.Profile(handle)
	if err != nil {
		return Account{}, err
	}
	raw, err := a.o.Render.ActorDocument(p)
	if err != nil {
		return Account{}, err
	}
	var doc actorDoc
	if err := json.Unmarshal(raw, &doc); err != nil {
		return Account{}, fmt.Errorf("read actor document of %s: %w", handle, err)
	}
	followers, err := a.o.Store.FollowerCount(handle)
	if err != nil {
		return Account{}, err
	}
	posts, last, err := a.postCounts(handle)
	if err != nil {
		return Account{}, err
	}
	created := p.Published
	if created.IsZero() {
		created = a.o.Now()
	}
	id := a.o.Render.Actor(handle)
	acc := Account{ID: accountID(handle), Username: handle, Acct: handle, DisplayName: doc.Name,
		Bot: doc.Type == "Service" || doc.Type == "Application", Discoverable: p.Discoverable, Indexable: p.Indexable,
		CreatedAt: created.UTC().Truncate(24 * time.Hour).Format(timeFormat), Note: doc.Summary, URL: id, URI: id,
		Avatar: a.imageURL(p.IconURL, missingAvatar), Header: a.imageURL(p.HeaderURL, missingHeader),
		FollowersCount: followers, StatusesCount: posts, LastStatusAt: last, Noindex: !p.Indexable,
		HideCollections: !a.o.Accounts.Feed(handle).ShowFollowers, Emojis: []any{}, Roles: []any{}, Fields: []Field{}}
	acc.AvatarStatic, acc.HeaderStatic = acc.Avatar, acc.Header
	for _, f := range doc.Attachment {
		acc.Fields = append(acc.Fields, Field{Name: f.Name, Value: f.Value})
	}
	return acc, nil
}

// imageURL is link, or Herald's stand-in picture at path.
func (a *API) imageURL(link, path string) string {
	if link != "" {
		return link
	}
	return a.o.Config.BaseURL + path
}

// postCounts returns how many posts handle has standing (from its feed,
// not withdrawn, and written in apps, not direct) and the day of the
// newest, as Mastodon's last_status_at ("2024-05-01").
func (a *API) postCounts(handle string) (int, *string, error) {
	seen, err := a.o.Store.SeenItems(handle)
	if err != nil {
		return 0, nil, err
	}
	locals, err := a.o.Store.LocalStatuses(handle)
	if err != nil {
		return 0, nil, err
	}
	n := 0
	var newest time.Time
	for _, it := range seen {
		if !it.Deleted.IsZero() {
			continue
		}
		n++
		if it.Published.After(newest) {
			newest = it.Published
		}
	}
	for _, st := range locals {
		if st.Visibility == store.VisibilityDirect {
			continue
		}
		n++
		if st.Created.After(newest) {
			newest = st.Created
		}
	}
	if newest.IsZero() {
		return n, nil, nil
	}
	day := newest.UTC().Format(time.DateOnly)
	return n, &day, nil
}

// handleVerifyCredentials answers GET /api/v1/accounts/verify_credentials:
// the token's account, with its source (the profile as plain text) and
// role.
func (a *API) handleVerifyCredentials(w http.ResponseWriter, r *http.Request, access oauth.Access) {
	acc, err := a.account(access.Handle)
	if err != nil {
		respond.InternalError(w, a.o.Log, r, err)
		return
	}
	p, err := a.o.Accounts.Profile(access.Handle)
	if err != nil {
		respond.InternalError(w, a.o.Log, r, err)
		return
	}
	lang, _, _ := strings.Cut(p.Language, "-")
	src := &Source{Privacy: "public", Language: lang, Note: p.Summary, Fields: []Field{}, HideCollections: acc.HideCollections,
		Discoverable: p.Discoverable, Indexable: p.Indexable, AttributionDomains: p.AttributionDomains}
	if src.AttributionDomains == nil {
		src.AttributionDomains = []string{}
	}
	for _, f := range p.Fields {
		src.Fields = append(src.Fields, Field{Name: f.Name, Value: f.Value})
	}
	if len(p.Fields) == 0 && p.SiteURL != "" { // the actor shows the website then
		src.Fields = append(src.Fields, Field{Name: "Website", Value: p.SiteURL})
	}
	acc.Source, acc.Role = src, &Role{ID: "-99", Permissions: "0"}
	writeJSON(w, acc)
}

// handleAccount answers GET /api/v1/accounts/{id}: one of Herald's
// accounts, or a remote account Herald knows (remote_accounts.go).
func (a *API) handleAccount(w http.ResponseWriter, r *http.Request, access oauth.Access) {
	handle, ok := a.handleOf(r.PathValue("id"))
	if !ok {
		a.writeRemoteAccount(w, r, access)
		return
	}
	if !a.visible(handle, access) {
		notFound(w)
		return
	}
	a.writeAccount(w, r, handle)
}

// handleLookup answers GET /api/v1/accounts/lookup?acct=: the account
// named news, @news, news@DOMAIN or @news@DOMAIN, where DOMAIN is the
// handles' domain or Herald's host, or an account of another server that
// Herald knows (remote_accounts.go); Herald looks up no other remote
// accounts.
func (a *API) handleLookup(w http.ResponseWriter, r *http.Request, access oauth.Access) {
	acct := strings.TrimPrefix(strings.TrimSpace(r.URL.Query().Get("acct")), "@")
	if acct == "" {
		respond.Error(w, http.StatusBadRequest, "param is missing or the value is empty: acct")
		return
	}
	user, domain, hasDomain := strings.Cut(acct, "@")
	handle := strings.ToLower(user)
	local := !hasDomain || strings.EqualFold(domain, a.o.Config.HandleDomain()) || strings.EqualFold(domain, a.o.Config.Host())
	if !local {
		a.writeRemoteByAcct(w, r, acct, access)
		return
	}
	if !a.visible(handle, access) {
		notFound(w)
		return
	}
	a.writeAccount(w, r, handle)
}

func (a *API) writeAccount(w http.ResponseWriter, r *http.Request, handle string) {
	acc, err := a.account(handle)
	if err != nil {
		respond.InternalError(w, a.o.Log, r, err)
		return
	}
	writeJSON(w, acc)
}
