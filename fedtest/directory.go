package fedtest

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
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
// their key and can declare aliases (alsoKnownAs) for Move.
//
// Signatures are computed here, independently of Herald's signature
// package, from draft-cavage-12 §2.3 directly.
type Directory struct {
	// URL is the server's origin.
	URL string

	srv    *httptest.Server
	client *http.Client
	mu     sync.Mutex
	accts  map[string]*Account // by path
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

// Style is how a server publishes keys and signs requests.
type Style struct {
	// KeyPath serves the key at ACTOR/main-key, as a bare key document
	// (id, owner, publicKeyPem), instead of ACTOR#main-key inside the actor.
	KeyPath bool
	// KeyStub serves, with KeyPath, a stub at the key's URL instead, as
	// GoToSocial does for any GET: the actor's id, type, preferredUsername
	// and publicKey, no inbox.
	KeyStub bool
	// SignedActorFetch makes GETs of the actor document need a valid
	// signature (401 otherwise), checked as GoToSocial checks it: the
	// signer's key from its actor, then WebFinger of the signer's
	// preferredUsername@host, whose self link must be the signer.
	SignedActorFetch bool
	// Algorithm is the algorithm parameter: "rsa-sha256", "hs2019" or ""
	// (omitted).
	Algorithm string
	// Headers is the signed header list; nil means Mastodon's
	// "(request-target) host date digest".
	Headers []string
	// RFC9421 signs with HTTP Message Signatures instead, as Mastodon 4.5
	// can: ("@method" "@target-uri" "content-digest"), created, keyid,
	// rsa-v1_5-sha256, and a Content-Digest header.
	RFC9421 bool
}

// Styles of the servers whose traffic the corpus reproduces.
var (
	StyleMastodon   = Style{Algorithm: "rsa-sha256", Headers: []string{"(request-target)", "host", "date", "digest", "content-type"}}
	StyleMisskey    = Style{Algorithm: "rsa-sha256", Headers: []string{"(request-target)", "date", "host", "digest"}}
	StyleAkkoma     = Style{Algorithm: "rsa-sha256", Headers: []string{"(request-target)", "content-length", "date", "digest", "host"}}
	StyleGoToSocial = Style{KeyPath: true, KeyStub: true, SignedActorFetch: true, Algorithm: "hs2019", Headers: []string{"(request-target)", "host", "date", "digest"}}
	StylePixelfed   = Style{Algorithm: "rsa-sha256", Headers: []string{"(request-target)", "host", "date", "digest", "content-type"}}
	StyleRFC9421    = Style{RFC9421: true}
	// StyleKeyDocument publishes a bare key document at the key's own
	// path, as some Mastodon and Pleroma setups do.
	StyleKeyDocument = Style{KeyPath: true, Algorithm: "rsa-sha256"}
)

// Account is one actor of a Directory.
type Account struct {
	dir   *Directory
	path  string
	style Style

	mu          sync.Mutex
	key         *rsa.PrivateKey
	gone        bool
	alsoKnownAs []string
	name        string
	keyOwner    string  // with KeyPath, the owner the key URL claims ("" is the account)
	fetches     []Fetch // GETs of the actor document
}

// NewDirectory starts an empty Directory. Close it when done.
func NewDirectory() *Directory {
	d := &Directory{accts: map[string]*Account{}, client: &http.Client{Timeout: 10 * time.Second}}
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

func (d *Directory) serve(w http.ResponseWriter, r *http.Request) {
	path, isKey := r.URL.Path, false
	if p, ok := strings.CutSuffix(path, "/main-key"); ok {
		path, isKey = p, true
	}
	d.mu.Lock()
	a := d.accts[path]
	d.mu.Unlock()
	if a == nil || r.Method != http.MethodGet {
		if r.Method == http.MethodPost {
			w.WriteHeader(http.StatusAccepted) // inboxes accept anything
			return
		}
		http.NotFound(w, r)
		return
	}
	if !isKey && !d.allowFetch(w, r, a) {
		return
	}
	doc, status := a.document(isKey)
	w.Header().Set("Content-Type", "application/activity+json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(doc)
}

// allowFetch records a GET of a's actor document and, with
// SignedActorFetch, answers 401 (returning false) unless it is validly
// signed.
func (d *Directory) allowFetch(w http.ResponseWriter, r *http.Request, a *Account) bool {
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
		return false
	}
	return true
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
				"type":              "Person",
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
		"type":              "Person",
		"preferredUsername": a.name,
		"inbox":             a.Inbox(),
		"outbox":            a.ID() + "/outbox",
		"endpoints":         map[string]any{"sharedInbox": a.dir.URL + "/inbox"},
		"publicKey":         key,
	}
	if a.alsoKnownAs != nil {
		doc["alsoKnownAs"] = a.alsoKnownAs
	}
	return doc, http.StatusOK
}

// Post sends body to target signed by the account at time at, in its
// server's style. tamper, if not nil, changes the request after signing.
func (a *Account) Post(ctx context.Context, target string, body []byte, at time.Time, tamper func(*http.Request)) (*http.Response, error) {
	req, err := a.SignedPost(ctx, target, body, at)
	if err != nil {
		return nil, err
	}
	if tamper != nil {
		tamper(req)
	}
	return a.dir.client.Do(req)
}

// SignedPost builds the signed POST that Post sends.
func (a *Account) SignedPost(ctx context.Context, target string, body []byte, at time.Time) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/activity+json")
	req.Header.Set("Content-Length", fmt.Sprint(len(body)))
	sum := sha256.Sum256(body)
	req.Header.Set("Digest", "SHA-256="+base64.StdEncoding.EncodeToString(sum[:]))
	req.Header.Set("Date", at.UTC().Format(http.TimeFormat))
	a.mu.Lock()
	key := a.key
	a.mu.Unlock()
	if a.style.RFC9421 {
		req.Header.Del("Digest")
		req.Header.Set("Content-Digest", "sha-256=:"+base64.StdEncoding.EncodeToString(sum[:])+":")
		return req, SignMessage(req, a.KeyID(), key, at)
	}
	return req, SignCavage(req, a.KeyID(), key, a.style)
}

// SignMessage signs req with an RFC 9421 signature labelled sig1, as
// Mastodon does: the signature base of §2.5 over @method, @target-uri and
// content-digest, with created and keyid, RSASSA-PKCS1-v1_5 with SHA-256.
func SignMessage(req *http.Request, keyID string, key *rsa.PrivateKey, at time.Time) error {
	params := fmt.Sprintf(`("@method" "@target-uri" "content-digest");created=%d;keyid="%s"`, at.Unix(), keyID)
	base := `"@method": ` + req.Method + "\n" +
		`"@target-uri": ` + req.URL.String() + "\n" +
		`"content-digest": ` + req.Header.Get("Content-Digest") + "\n" +
		`"@signature-params": ` + params
	sum := sha256.Sum256([]byte(base))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		return err
	}
	req.Header.Set("Signature-Input", "sig1="+params)
	req.Header.Set("Signature", "sig1=:"+base64.StdEncoding.EncodeToString(sig)+":")
	return nil
}

// SignCavage signs req (whose headers, Date included, are set) with key
// under keyID: the signing string of draft-cavage-12 §2.3 over style's
// header list, RSASSA-PKCS1-v1_5 with SHA-256.
func SignCavage(req *http.Request, keyID string, key *rsa.PrivateKey, style Style) error {
	headers := style.Headers
	if headers == nil {
		headers = []string{"(request-target)", "host", "date", "digest"}
	}
	var lines []string
	for _, h := range headers {
		switch h {
		case "(request-target)":
			lines = append(lines, h+": "+strings.ToLower(req.Method)+" "+req.URL.RequestURI())
		case "host":
			lines = append(lines, "host: "+req.URL.Host)
		default:
			lines = append(lines, h+": "+req.Header.Get(h))
		}
	}
	sum := sha256.Sum256([]byte(strings.Join(lines, "\n")))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		return err
	}
	v := `keyId="` + keyID + `",`
	if style.Algorithm != "" {
		v += `algorithm="` + style.Algorithm + `",`
	}
	v += `headers="` + strings.Join(headers, " ") + `",signature="` + base64.StdEncoding.EncodeToString(sig) + `"`
	req.Header.Set("Signature", v)
	return nil
}

// PublicKeyPEM returns the account's current public key, PKIX PEM.
func (a *Account) PublicKeyPEM() string {
	der, _ := x509.MarshalPKIXPublicKey(a.PublicKey())
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}
