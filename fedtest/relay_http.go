package fedtest

import (
	"bytes"
	"context"
	"crypto"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/go-fed/httpsig"
)

// abortStatus makes serveInbox drop the connection without an answer, as
// a Go handler that panics does (net/http recovers and closes it).
const abortStatus = -1

// serve routes the relay's endpoints: WebFinger, the actor, the inbox
// (the LitePub relay takes POSTs at /actor too: views/activitypub.py
// registers both paths).
func (r *Relay) serve(w http.ResponseWriter, req *http.Request) {
	litepub := r.opts.Software == LitePubRelay
	switch {
	case req.URL.Path == "/.well-known/webfinger":
		r.serveWebFinger(w, req)
	case req.Method == http.MethodPost && (req.URL.Path == "/inbox" || (litepub && req.URL.Path == "/actor")):
		r.serveInbox(w, req)
	case req.Method == http.MethodGet && (req.URL.Path == "/actor" || (litepub && req.URL.Path == "/inbox")):
		w.Header().Set("Content-Type", "application/activity+json")
		_ = json.NewEncoder(w).Encode(r.actorDocument())
	case req.URL.Path == "/inbox":
		w.WriteHeader(http.StatusMethodNotAllowed) // Activity-Relay's handleInbox: 405 for all but POST
	default:
		http.NotFound(w, req)
	}
}

// actorDocument is the relay actor. Activity-Relay (models/models.go
// NewActivityPubActorFromRelayConfig): a Service, preferredUsername relay,
// an inbox and a key, no endpoints and no collections. The LitePub relay
// (relay/misc.py Message.new_actor): an Application with followers,
// following, url and endpoints.sharedInbox, in the activitystreams context
// alone.
func (r *Relay) actorDocument() map[string]any {
	key := map[string]any{"id": r.keyID(), "owner": r.ActorID(), "publicKeyPem": r.pubPEM}
	if r.opts.Software == ActivityRelay {
		return map[string]any{"@context": []any{"https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"},
			"id": r.ActorID(), "type": "Service", "name": "Activity-Relay (fedtest)", "preferredUsername": "relay",
			"summary": "fedtest relay", "inbox": r.Inbox(), "publicKey": key}
	}
	return map[string]any{"@context": "https://www.w3.org/ns/activitystreams", "id": r.ActorID(), "type": "Application",
		"preferredUsername": "relay", "name": "ActivityRelay", "summary": "ActivityRelay bot",
		"followers": r.URL + "/followers", "following": r.URL + "/following", "inbox": r.Inbox(), "url": r.URL + "/",
		"endpoints": map[string]any{"sharedInbox": r.Inbox()}, "publicKey": key,
		"manuallyApprovesFollowers": r.opts.ManuallyAccept}
}

// serveWebFinger answers acct:relay@HOST with a self link to the actor
// (Activity-Relay's GenerateWebfingerResource, the LitePub relay's
// WebfingerView); both relays need it, as Mastodon WebFingers actors.
func (r *Relay) serveWebFinger(w http.ResponseWriter, req *http.Request) {
	subject := "acct:relay@" + hostOf(r.URL)
	if req.URL.Query().Get("resource") != subject {
		http.NotFound(w, req)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"subject": subject,
		"links": []any{map[string]any{"rel": "self", "type": "application/activity+json", "href": r.ActorID()}}})
}

// serveInbox receives a POST, lets the software's handler check and act on
// it, records it and answers.
func (r *Relay) serveInbox(w http.ResponseWriter, req *http.Request) {
	body, err := io.ReadAll(io.LimitReader(req.Body, 1<<20))
	if err != nil {
		http.Error(w, "unreadable body", http.StatusBadRequest)
		return
	}
	d := Delivery{Path: req.URL.Path, Body: body, Header: withHost(req)}
	var status int
	var msg string
	if r.opts.Software == ActivityRelay {
		status, msg = r.receiveActivityRelay(req.Context(), req, body, &d)
	} else {
		status, msg = r.receiveLitePub(req.Context(), req, body, &d)
	}
	if status == abortStatus {
		d.Status = 0
		r.note(&d, nil)
		panic(http.ErrAbortHandler)
	}
	d.Status = status
	r.note(&d, nil)
	w.WriteHeader(status)
	_, _ = io.WriteString(w, msg)
}

// outgoing is one POST the relay is to send.
type outgoing struct {
	inbox string
	body  []byte
}

// out marshals activity for inbox.
func out(inbox string, activity map[string]any) outgoing {
	body, _ := json.Marshal(activity)
	return outgoing{inbox: inbox, body: body}
}

// deliver POSTs each body to its inbox, in order, on a goroutine the relay
// owns (Activity-Relay's register and relay-v2 jobs, the LitePub relay's
// push_message workers).
func (r *Relay) deliver(sends ...outgoing) {
	if len(sends) == 0 {
		return
	}
	r.spawn(func(ctx context.Context) {
		for _, s := range sends {
			r.post(ctx, s.inbox, s.body)
		}
	})
}

// post sends body to inbox, signed as the software signs, and records it.
// Activity-Relay (deliver/deliver.go relayActivityV2 and registerActivity,
// models/http_sign.go AppendSignature): keyId is the actor id itself,
// without #main-key; (request-target) host date digest content-type;
// algorithm rsa-sha256. The LitePub relay (relay/http_client.py post):
// keyId ACTOR#main-key; hs2019 for the software in SUPPORTS_HS2019 and
// rsa-sha256 for the others, Mastodon included (a missing comma there
// glues 'hubzilla' and 'mastodon' into one name); header list as
// Activity-Relay's, not confirmed in aputils (unverified).
func (r *Relay) post(ctx context.Context, inbox string, body []byte) {
	s := RelaySend{Inbox: inbox}
	_ = json.Unmarshal(body, &s.Activity)
	defer func() { r.note(nil, &s) }()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, inbox, bytes.NewReader(body))
	if err != nil {
		s.Err = err.Error()
		return
	}
	sum := sha256.Sum256(body)
	req.Header.Set("Content-Type", "application/activity+json")
	req.Header.Set("User-Agent", "fedtest ("+r.opts.Software.String()+")")
	req.Header.Set("Date", time.Now().UTC().Format(http.TimeFormat))
	req.Header.Set("Digest", "SHA-256="+base64.StdEncoding.EncodeToString(sum[:]))
	req.Host = req.URL.Host
	keyID, alg := r.ActorID(), "rsa-sha256"
	if r.opts.Software == LitePubRelay {
		keyID, alg = r.keyID(), r.litePubAlgorithm(inbox)
	}
	headers := []string{"(request-target)", "host", "date", "digest", "content-type"}
	if err := signCavage(req, keyID, r.key, alg, headers, false); err != nil {
		s.Err = err.Error()
		return
	}
	resp, err := r.client.Do(req)
	if err != nil {
		s.Err = err.Error()
		return
	}
	resp.Body.Close()
	s.Status = resp.StatusCode
}

// getJSON GETs u, signed by the relay's key when signed is set
// (Activity-Relay's signGETRequest: (request-target) host date,
// rsa-sha256; the LitePub relay's _get: rsa-sha256 by default), and decodes
// a 200 answer. Neither relay checks the Content-Type.
func (r *Relay) getJSON(ctx context.Context, u string, signed bool) (map[string]any, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/activity+json")
	req.Header.Set("Date", time.Now().UTC().Format(http.TimeFormat))
	req.Host = req.URL.Host
	if signed {
		if err := signCavage(req, r.keyID(), r.key, "rsa-sha256", []string{"(request-target)", "host", "date"}, false); err != nil {
			return nil, err
		}
	}
	resp, err := r.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	var doc map[string]any
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&doc); err != nil {
		return nil, fmt.Errorf("GET %s: %w", u, err)
	}
	return doc, nil
}

// verifyWithKey checks req's draft-cavage signature with the PEM key of
// an actor document as go-fed/httpsig does for Activity-Relay and aputils
// for the LitePub relay: RSA with SHA-256 over whatever headers it lists,
// with no Date window; and the Digest, which Activity-Relay requires
// (decodeActivity: "digest header is mismatch") and aputils checks when
// present.
func verifyWithKey(req *http.Request, body []byte, actor map[string]any, requireDigest bool) error {
	pk, _ := actor["publicKey"].(map[string]any)
	pub, err := parsePublicPEM(str(pk["publicKeyPem"]))
	if err != nil {
		return err
	}
	clone := req.Clone(req.Context())
	clone.Header = withHost(req)
	v, err := httpsig.NewVerifier(clone)
	if err != nil {
		return err
	}
	if err := v.Verify(pub, httpsig.RSA_SHA256); err != nil {
		return fmt.Errorf("signature does not verify: %w", err)
	}
	sum := sha256.Sum256(body)
	if given := req.Header.Get("Digest"); (requireDigest || given != "") && given != "SHA-256="+base64.StdEncoding.EncodeToString(sum[:]) {
		return errors.New("digest header is mismatch")
	}
	return nil
}

// parsePublicPEM parses a PKIX or PKCS#1 RSA public key.
func parsePublicPEM(text string) (crypto.PublicKey, error) {
	block, _ := pem.Decode([]byte(text))
	if block == nil {
		return nil, errors.New("failed parse PublicKey from string")
	}
	if pub, err := x509.ParsePKIXPublicKey(block.Bytes); err == nil {
		return pub, nil
	}
	return x509.ParsePKCS1PublicKey(block.Bytes)
}
