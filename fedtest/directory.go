package fedtest

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"
)

// Directory is a fake fediverse server hosting any number of accounts, each
// with its own RSA key, in the shapes different servers publish them: key
// ids with a fragment (Mastodon, Misskey, Akkoma, Pixelfed) or at their own
// path, as a bare key document or as GoToSocial's stub (with the actor
// itself behind signed GETs), signed with each server's header list and
// algorithm label. Accounts can be deleted (their actor answers 410), can rotate
// their key and can declare aliases (alsoKnownAs) for Move. It answers
// WebFinger for its accounts, strips the actor for unsigned GETs in styles
// with UnsignedFields, and hands inbox POSTs to its Peer, if any.
//
// Signatures are computed here, independently of Herald's signature
// package, from draft-cavage-12 §2.3 directly.
type Directory struct {
	// URL is the server's origin.
	URL string

	srv      *httptest.Server
	client   *http.Client
	mu       sync.Mutex
	accts    map[string]*Account // by path
	post     http.HandlerFunc    // inbox POSTs; nil answers 202 to anything
	docs     map[string][]byte   // documents served by Publish, by path
	software string              // the NodeInfo software name ("" serves no NodeInfo)
}

// Fetch is one GET of an account's actor document.
type Fetch struct {
	// KeyID is the signature's keyId ("" when unsigned).
	KeyID string
	// Verified is true when the signature verified and, with
	// SignedActorFetch, the signer's WebFinger named it.
	Verified bool
	// Problem says why verification failed.
	Problem string
}

// Account is one actor of a Directory.
type Account struct {
	dir   *Directory
	path  string
	style Style

	mu          sync.Mutex
	key         *rsa.PrivateKey
	gone        bool
	alsoKnownAs []string
	name        string  // preferredUsername
	displayName string  // name ("" for none)
	icon        string  // the avatar's URL ("" for none)
	actorType   string  // "Person" unless set
	keyOwner    string  // with KeyPath, the owner the key URL claims ("" is the account)
	fetches     []Fetch // GETs of the actor document
}

// NewDirectory starts an empty Directory. Close it when done.
func NewDirectory() *Directory {
	d := &Directory{accts: map[string]*Account{}, docs: map[string][]byte{}, client: &http.Client{Timeout: 10 * time.Second}}
	d.srv = httptest.NewServer(http.HandlerFunc(d.serve))
	d.URL = d.srv.URL
	return d
}

// Close stops the server.
func (d *Directory) Close() { d.srv.Close() }

// Add creates (or returns the existing) account at path ("/users/bob",
// "/actor") with a fresh RSA-2048 key.
func (d *Directory) Add(path string, style Style) (*Account, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if a, ok := d.accts[path]; ok {
		return a, nil
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	a := &Account{dir: d, path: path, style: style, key: key, name: path[strings.LastIndex(path, "/")+1:]}
	d.accts[path] = a
	return a, nil
}

// AddWithKey is Add with a given key, so that benchmarks can host many
// accounts without generating a key for each.
func (d *Directory) AddWithKey(path string, style Style, key *rsa.PrivateKey) *Account {
	d.mu.Lock()
	defer d.mu.Unlock()
	a := &Account{dir: d, path: path, style: style, key: key, name: path[strings.LastIndex(path, "/")+1:]}
	d.accts[path] = a
	return a
}

// ID is the account's actor id.
func (a *Account) ID() string { return a.dir.URL + a.path }

// KeyID is the id of the account's key.
func (a *Account) KeyID() string {
	if a.style.KeyPath {
		return a.ID() + "/main-key"
	}
	return a.ID() + "#main-key"
}

// Inbox is the account's personal inbox.
func (a *Account) Inbox() string { return a.ID() + "/inbox" }

// SetGone makes the actor and its key answer 410 Gone.
func (a *Account) SetGone() { a.mu.Lock(); a.gone = true; a.mu.Unlock() }

// SetAlsoKnownAs sets the aliases the actor declares.
func (a *Account) SetAlsoKnownAs(ids ...string) { a.mu.Lock(); a.alsoKnownAs = ids; a.mu.Unlock() }

// RotateKey replaces the account's key (same key id, new key material).
func (a *Account) RotateKey() error {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return err
	}
	a.mu.Lock()
	a.key = key
	a.mu.Unlock()
	return nil
}

// SetProfile gives the account a display name and an avatar (either ""
// for none), which its actor document shows as name and icon.
func (a *Account) SetProfile(displayName, icon string) {
	a.mu.Lock()
	a.displayName, a.icon = displayName, icon
	a.mu.Unlock()
}

// SetKeyOwner makes the document at the key's URL (KeyPath styles) name
// owner as the key's owner: a forgery, for tests of key-owner checks.
func (a *Account) SetKeyOwner(owner string) { a.mu.Lock(); a.keyOwner = owner; a.mu.Unlock() }

// Fetches returns every GET of the account's actor document so far.
func (a *Account) Fetches() []Fetch {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]Fetch(nil), a.fetches...)
}

// PublicKey returns the account's current public key.
func (a *Account) PublicKey() *rsa.PublicKey {
	a.mu.Lock()
	defer a.mu.Unlock()
	return &a.key.PublicKey
}

// Publish serves doc (JSON-encoded) at path to GETs, as
// application/activity+json: a post or any other object of the server's,
// for peers that fetch it (an Announce's object, say).
func (d *Directory) Publish(path string, doc any) error {
	raw, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.docs[path] = raw
	return nil
}

func (d *Directory) serve(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/.well-known/webfinger":
		d.serveWebFinger(w, r)
		return
	case "/.well-known/nodeinfo", "/nodeinfo/2.0":
		d.serveNodeInfo(w, r)
		return
	}
	d.mu.Lock()
	published, ok := d.docs[r.URL.Path]
	d.mu.Unlock()
	if ok && r.Method == http.MethodGet {
		w.Header().Set("Content-Type", "application/activity+json")
		_, _ = w.Write(published)
		return
	}
	path, isKey := r.URL.Path, false
	if p, ok := strings.CutSuffix(path, "/main-key"); ok {
		path, isKey = p, true
	}
	d.mu.Lock()
	a, post := d.accts[path], d.post
	d.mu.Unlock()
	if r.Method == http.MethodPost {
		if post != nil {
			post(w, r)
			return
		}
		w.WriteHeader(http.StatusAccepted) // inboxes accept anything
		return
	}
	if a == nil || r.Method != http.MethodGet {
		http.NotFound(w, r)
		return
	}
	signed := false
	if !isKey {
		var ok bool
		if signed, ok = d.allowFetch(w, r, a); !ok {
			return
		}
	}
	doc, status := a.document(isKey)
	if !isKey && !signed && a.style.UnsignedFields != nil {
		doc = only(doc, a.style.UnsignedFields)
	}
	w.Header().Set("Content-Type", "application/activity+json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(doc)
}

// serveWebFinger answers acct:NAME@HOST for the account whose
// preferredUsername is NAME, HOST being the directory's host:port, with
// one self link of type application/activity+json (RFC 7033).
func (d *Directory) serveWebFinger(w http.ResponseWriter, r *http.Request) {
	res := r.URL.Query().Get("resource")
	name, host, _ := strings.Cut(strings.TrimPrefix(res, "acct:"), "@")
	d.mu.Lock()
	var found *Account
	for _, a := range d.accts {
		a.mu.Lock()
		if a.name == name && "http://"+host == d.URL {
			found = a
		}
		a.mu.Unlock()
	}
	d.mu.Unlock()
	if found == nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/jrd+json")
	_ = json.NewEncoder(w).Encode(map[string]any{"subject": res,
		"links": []any{map[string]any{"rel": "self", "type": "application/activity+json", "href": found.ID()}}})
}

// serveNodeInfo answers the NodeInfo discovery document and a NodeInfo
// 2.0 naming the software a Peer plays, which relays read (the LitePub
// relay's handle_follow follows back all but "mastodon"); 404 without one.
func (d *Directory) serveNodeInfo(w http.ResponseWriter, r *http.Request) {
	d.mu.Lock()
	software := d.software
	d.mu.Unlock()
	if software == "" {
		http.NotFound(w, r)
		return
	}
	doc := map[string]any{"links": []any{map[string]any{
		"rel": "http://nodeinfo.diaspora.software/ns/schema/2.0", "href": d.URL + "/nodeinfo/2.0"}}}
	if r.URL.Path == "/nodeinfo/2.0" {
		doc = map[string]any{"version": "2.0", "software": map[string]any{"name": software, "version": "0"},
			"protocols": []any{"activitypub"}, "openRegistrations": false}
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(doc)
}

// allowFetch records a GET of a's actor document and reports whether it
// was validly signed; with SignedActorFetch it answers 401 (ok false)
// unless it was.
func (d *Directory) allowFetch(w http.ResponseWriter, r *http.Request, a *Account) (signed, ok bool) {
	var f Fetch
	if r.Header.Get("Signature") != "" || a.style.SignedActorFetch {
		f.KeyID, f.Problem = verifyRequest(r.Context(), r, nil, false, func(ctx context.Context, keyID string) (crypto.PublicKey, error) {
			return fetchSignerKey(ctx, d.client, keyID)
		})
		f.Verified = f.Problem == ""
	}
	a.mu.Lock()
	a.fetches = append(a.fetches, f)
	a.mu.Unlock()
	if a.style.SignedActorFetch && !f.Verified {
		http.Error(w, "signed fetch required: "+f.Problem, http.StatusUnauthorized)
		return false, false
	}
	return f.Verified, true
}

// only returns doc with the given fields only.
func only(doc map[string]any, fields []string) map[string]any {
	out := map[string]any{}
	for _, k := range fields {
		if v, ok := doc[k]; ok {
			out[k] = v
		}
	}
	return out
}

// document returns the actor (or, for a KeyPath style key URL, the key) document.
func (a *Account) document(isKey bool) (map[string]any, int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.gone {
		return map[string]any{"id": a.ID(), "type": "Tombstone"}, http.StatusGone
	}
	der, _ := x509.MarshalPKIXPublicKey(&a.key.PublicKey)
	pub := string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
	key := map[string]any{"id": a.KeyID(), "owner": a.ID(), "publicKeyPem": pub}
	if isKey {
		if !a.style.KeyPath {
			return map[string]any{"error": "not found"}, http.StatusNotFound
		}
		if a.keyOwner != "" {
			key["owner"] = a.keyOwner
		}
		if a.style.KeyStub {
			return map[string]any{
				"@context":          []any{"https://w3id.org/security/v1", "https://www.w3.org/ns/activitystreams"},
				"id":                key["owner"],
				"type":              a.typ(),
				"preferredUsername": a.name,
				"publicKey":         key,
			}, http.StatusOK
		}
		key["@context"] = "https://w3id.org/security/v1"
		return key, http.StatusOK
	}
	doc := map[string]any{
		"@context":          []any{"https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"},
		"id":                a.ID(),
		"type":              a.typ(),
		"preferredUsername": a.name,
		"inbox":             a.Inbox(),
		"outbox":            a.ID() + "/outbox",
		"followers":         a.ID() + "/followers",
		"following":         a.ID() + "/following",
		"url":               a.ID(),
		"publicKey":         key,
	}
	if !a.style.NoSharedInbox {
		doc["endpoints"] = map[string]any{"sharedInbox": a.dir.URL + "/inbox"}
	}
	if a.alsoKnownAs != nil {
		doc["alsoKnownAs"] = a.alsoKnownAs
	}
	if a.displayName != "" {
		doc["name"] = a.displayName
	}
	if a.icon != "" {
		doc["icon"] = map[string]any{"type": "Image", "mediaType": "image/png", "url": a.icon}
	}
	return doc, http.StatusOK
}

// typ is the actor's type.
func (a *Account) typ() string {
	if a.actorType == "" {
		return "Person"
	}
	return a.actorType
}

// PublicKeyPEM returns the account's current public key, PKIX PEM.
func (a *Account) PublicKeyPEM() string {
	der, _ := x509.MarshalPKIXPublicKey(a.PublicKey())
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}
