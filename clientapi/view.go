package clientapi

import (
	"cmp"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"herald/oauth"
	"herald/store"
)

// view renders statuses and accounts for one request, for the reader of
// access, remembering what it looked up: accounts, and the posts that
// statuses answer. It is not safe for concurrent use.
type view struct {
	a        *API
	access   oauth.Access
	local    map[string]Account
	remote   map[string]Account
	received map[string]map[string]store.Interaction // by account, by object id
}

func (a *API) newView(access oauth.Access) *view {
	return &view{a: a, access: access, local: map[string]Account{}, remote: map[string]Account{},
		received: map[string]map[string]store.Interaction{}}
}

// reader reports whether a token for an account reads.
func (v *view) reader() bool { return v.access.Handle != "" }

// account returns the Account of handle, one of Herald's.
func (v *view) account(handle string) (Account, error) {
	if acc, ok := v.local[handle]; ok {
		return acc, nil
	}
	acc, err := v.a.account(handle)
	if err == nil {
		v.local[handle] = acc
	}
	return acc, err
}

// remoteAccount returns the Account of the remote actor actorID, from the
// cached actor (its username, name, avatar and page; an actor not cached
// is named by the last segment of its id).
func (v *view) remoteAccount(actorID string) (Account, error) {
	if acc, ok := v.remote[actorID]; ok {
		return acc, nil
	}
	ra, _, err := v.a.o.Store.RemoteActor(actorID)
	if err != nil {
		return Account{}, err
	}
	u, _ := url.Parse(actorID)
	username := cmp.Or(ra.Username, path.Base(u.Path))
	created := ra.FetchedAt
	if created.IsZero() {
		created = v.a.o.Now()
	}
	base := v.a.o.Config.BaseURL
	acc := Account{ID: remoteAccountID(actorID), Username: username, Acct: username + "@" + u.Host, DisplayName: ra.Name,
		CreatedAt: created.UTC().Truncate(24 * time.Hour).Format(timeFormat), URL: cmp.Or(ra.URL, actorID), URI: actorID,
		Avatar: cmp.Or(ra.Icon, base+missingAvatar), Header: base + missingHeader, Emojis: []any{}, Roles: []any{}, Fields: []Field{}}
	acc.AvatarStatic, acc.HeaderStatic = acc.Avatar, acc.Header
	v.remote[actorID] = acc
	return acc, nil
}

// receivedFor returns the posts Herald received for handle (replies and
// mentions), by object id.
func (v *view) receivedFor(handle string) (map[string]store.Interaction, error) {
	if m, ok := v.received[handle]; ok {
		return m, nil
	}
	list, err := v.a.received(handle)
	if err != nil {
		return nil, err
	}
	m := make(map[string]store.Interaction, len(list))
	for _, i := range list {
		m[i.ID] = i
	}
	v.received[handle] = m
	return m, nil
}

// parent returns the ids of the status objectID and of its account, for
// in_reply_to_id and in_reply_to_account_id: a post of Herald's, or a
// post Herald received for handle; nil for a post Herald does not hold.
func (v *view) parent(handle, objectID string) (statusID, accountIDOf *string, err error) {
	if objectID == "" {
		return nil, nil, nil
	}
	if owner, ok := v.a.handleOfObject(objectID); ok {
		p, found, err := v.a.postByObject(objectID)
		if err != nil || !found {
			return nil, nil, err
		}
		sid, aid := strconv.FormatUint(p.ID, 10), accountID(owner)
		return &sid, &aid, nil
	}
	received, err := v.receivedFor(handle)
	if err != nil {
		return nil, nil, err
	}
	i, ok := received[objectID]
	if !ok {
		return nil, nil, nil
	}
	sid, aid := strconv.FormatUint(receivedStatusID(i), 10), remoteAccountID(i.Actor)
	return &sid, &aid, nil
}

// mention returns the Mention of the actor href named name
// ("@user@domain") in a post: one of Herald's accounts, or a remote one.
func (v *view) mention(href, name string) Mention {
	if handle, ok := v.a.handleOfObject(href); ok && v.a.o.Render.Actor(handle) == href {
		return Mention{ID: accountID(handle), Username: handle, URL: href, Acct: handle}
	}
	acct := strings.TrimPrefix(name, "@")
	user, _, _ := strings.Cut(acct, "@")
	return Mention{ID: remoteAccountID(href), Username: user, URL: href, Acct: acct}
}

// readerFields sets the fields about the reader, there when a token for
// an account reads (Herald's accounts favourite, boost, mute and
// bookmark nothing).
func (v *view) readerFields(s *Status) {
	if v.reader() {
		no := false
		s.Favourited, s.Reblogged, s.Muted, s.Bookmarked, s.Filtered = &no, &no, &no, &no, []any{}
	}
}
