package clientapi

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"herald/oauth"
	"herald/respond"
)

// Search in Herald finds accounts only: Herald's own, and the accounts of
// other servers that it knows for the accounts the reader may see
// (remote_accounts.go), by handle (user@domain) or display name. It
// indexes no posts and no hashtags, and looks up no accounts it does not
// know (resolve changes nothing).

// knownAccounts returns the remote accounts the holder of access may
// see, each once, rendered by v.
func (a *API) knownAccounts(v *view, access oauth.Access) ([]Account, error) {
	var out []Account
	seen := map[string]bool{}
	for _, h := range a.readerHandles(access) {
		actors, err := a.knownActors(h)
		if err != nil {
			return nil, err
		}
		for _, actorID := range actors {
			if _, local := a.handleOfObject(actorID); seen[actorID] || local {
				continue
			}
			seen[actorID] = true
			acc, err := v.remoteAccount(actorID)
			if err != nil {
				return nil, err
			}
			out = append(out, acc)
		}
	}
	return out, nil
}

// searchAccounts returns up to limit accounts matching q: Herald's whose
// handle starts with it, then the remote ones whose acct or username
// starts with it or whose display name holds it (case aside); a q of
// user@domain matches that account only.
func (a *API) searchAccounts(q string, limit int, access oauth.Access) ([]Account, error) {
	q = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(q), "@"))
	out := []Account{}
	if q == "" {
		return out, nil
	}
	v := a.newView(access)
	user, domain, exact := strings.Cut(q, "@")
	local := !exact || domain == strings.ToLower(a.o.Config.HandleDomain()) || domain == strings.ToLower(a.o.Config.Host())
	for _, h := range a.o.Accounts.Handles() {
		if local && a.visible(h, access) && (h == user || !exact && strings.HasPrefix(h, user)) {
			acc, err := v.account(h)
			if err != nil {
				return nil, err
			}
			out = append(out, acc)
		}
	}
	remote, err := a.knownAccounts(v, access)
	if err != nil {
		return nil, err
	}
	for _, acc := range remote {
		acct, name := strings.ToLower(acc.Acct), strings.ToLower(acc.DisplayName)
		if exact && acct == q || !exact && (strings.HasPrefix(acct, q) || strings.Contains(name, q)) {
			out = append(out, acc)
		}
	}
	return out[:min(len(out), limit)], nil
}

// searchLimit reads limit: 20 when not given, at most 40.
func searchLimit(r *http.Request) int {
	if n, err := strconv.Atoi(r.URL.Query().Get("limit")); err == nil && n > 0 {
		return min(n, maxLimit)
	}
	return defaultLimit
}

// handleAccountSearch answers GET /api/v1/accounts/search?q=: the
// accounts matching q (searchAccounts).
func (a *API) handleAccountSearch(w http.ResponseWriter, r *http.Request, access oauth.Access) {
	found, err := a.searchAccounts(r.URL.Query().Get("q"), searchLimit(r), access)
	if err != nil {
		respond.InternalError(w, a.o.Log, r, err)
		return
	}
	writeJSON(w, found)
}

// handleSearch answers GET /api/v2/search?q=: the accounts matching q
// (unless type asks for statuses or hashtags only), and no statuses or
// hashtags, which Herald does not index. Without a token for an account,
// resolve and offset are 401, as on Mastodon.
func (a *API) handleSearch(w http.ResponseWriter, r *http.Request, access oauth.Access) {
	q := r.URL.Query()
	if access.Handle == "" && (truthy(q.Get("resolve")) || q.Get("offset") != "") {
		respond.Error(w, http.StatusUnauthorized, "Search queries that resolve remote resources are not supported without authentication")
		return
	}
	out := map[string]any{"accounts": []Account{}, "statuses": []any{}, "hashtags": []any{}}
	if typ := q.Get("type"); typ == "" || typ == "accounts" {
		found, err := a.searchAccounts(q.Get("q"), searchLimit(r), access)
		if err != nil {
			respond.InternalError(w, a.o.Log, r, err)
			return
		}
		out["accounts"] = found
	}
	writeJSON(w, out)
}

// remoteByAcct returns the remote account Herald knows whose acct is
// acct (user@domain), for the holder of access.
func (a *API) remoteByAcct(acct string, access oauth.Access) (Account, bool, error) {
	v := a.newView(access)
	known, err := a.knownAccounts(v, access)
	if err != nil {
		return Account{}, false, err
	}
	i := slices.IndexFunc(known, func(acc Account) bool { return strings.EqualFold(acc.Acct, acct) })
	if i < 0 {
		return Account{}, false, nil
	}
	return known[i], true, nil
}

// writeRemoteByAcct answers a lookup of a remote account by acct.
func (a *API) writeRemoteByAcct(w http.ResponseWriter, r *http.Request, acct string, access oauth.Access) {
	acc, found, err := a.remoteByAcct(acct, access)
	if !a.looked(w, r, found, err) {
		return
	}
	writeJSON(w, acc)
}
