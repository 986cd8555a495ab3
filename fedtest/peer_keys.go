package fedtest

import (
	"context"
	"crypto"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
)

// remoteActor is what a Peer reads of a sender's actor document.
type remoteActor struct {
	ID                string `json:"id"`
	Type              string `json:"type"`
	PreferredUsername string `json:"preferredUsername"`
	Inbox             string `json:"inbox"`
	PublicKey         struct {
		ID           string `json:"id"`
		Owner        string `json:"owner"`
		PublicKeyPem string `json:"publicKeyPem"`
	} `json:"publicKey"`
}

// key returns the public key keyID names, from the cache unless refresh is
// set (every modelled server fetches a key again once when a signature
// fails: a rotated key). The key's document is fetched with a GET signed
// by the instance actor, as Mastodon (jsonld_helper.rb
// fetch_resource_without_id_validation), GoToSocial, Misskey, Akkoma and
// Threads fetch, and must be the actor itself: 200 with an ActivityStreams
// Content-Type, its id the URL fetched (Mastodon fetch_resource, Misskey
// assertActivityMatchesUrls, Akkoma's containment), publicKey.id the key id
// byte for byte and publicKey.owner the actor (Akkoma
// SigningKey.extract_key_details). Akkoma also refuses a redirect; Misskey
// and Sharkey validate the actor (validateMisskeyActor); Mastodon and
// GoToSocial WebFinger it on first contact (checkWebFinger).
func (p *Peer) key(ctx context.Context, keyID string, refresh bool) (crypto.PublicKey, error) {
	p.mu.Lock()
	pub, ok := p.keys[keyID]
	p.mu.Unlock()
	if ok && !refresh {
		return pub, nil
	}
	raw, err := p.fetchKeyDocument(ctx, keyID)
	if err != nil {
		return nil, err
	}
	var doc remoteActor
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("key %s: %w", keyID, err)
	}
	target, _, _ := strings.Cut(keyID, "#")
	switch {
	case doc.ID != target:
		return nil, fmt.Errorf("key %s: the document's id is %q, not the URL fetched", keyID, doc.ID)
	case doc.PublicKey.ID != keyID && !p.takesActorAsKey(keyID, doc):
		return nil, fmt.Errorf("key %s: the actor publishes key %q", keyID, doc.PublicKey.ID)
	case doc.PublicKey.Owner != doc.ID:
		return nil, fmt.Errorf("key %s: owner %q is not the actor %s", keyID, doc.PublicKey.Owner, doc.ID)
	}
	if err := p.firstContact(ctx, raw, doc, target); err != nil {
		return nil, fmt.Errorf("key %s: %w", keyID, err)
	}
	block, _ := pem.Decode([]byte(doc.PublicKey.PublicKeyPem))
	if block == nil {
		return nil, fmt.Errorf("key %s: no PEM", keyID)
	}
	if pub, err = x509.ParsePKIXPublicKey(block.Bytes); err != nil {
		return nil, fmt.Errorf("key %s: %w", keyID, err)
	}
	p.mu.Lock()
	p.keys[keyID], p.owners[keyID], p.inboxes[doc.ID] = pub, doc.ID, doc.Inbox
	p.mu.Unlock()
	return pub, nil
}

// takesActorAsKey reports whether the server takes the key of an actor
// document fetched at a key id without a fragment that is the actor's own
// id, whatever publicKey.id says: Mastodon does
// (ActivityPub::FetchRemoteKeyService#call, the person? branch, and
// SignatureVerification finding the account by its URI), which is how it
// verifies Activity-Relay, whose keyId is its actor id. Akkoma wants the
// key id byte for byte.
func (p *Peer) takesActorAsKey(keyID string, doc remoteActor) bool {
	return p.Style.software() == "mastodon" && keyID == doc.ID && !strings.Contains(keyID, "#")
}

// fetchKeyDocument GETs the document of keyID (without its fragment),
// signed by the instance actor, and returns it.
func (p *Peer) fetchKeyDocument(ctx context.Context, keyID string) ([]byte, error) {
	target, _, _ := strings.Cut(keyID, "#")
	client := p.client
	if p.Style.Receive.NoRedirect {
		c := *p.client
		c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		client = &c
	}
	resp, err := p.Instance.getWith(ctx, client, target, p.Style.QuerylessGet)
	if err != nil {
		return nil, fmt.Errorf("fetch key %s: %w", keyID, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetch key %s: HTTP %d", keyID, resp.StatusCode)
	}
	if ct := resp.Header.Get("Content-Type"); !isActivityStreams(ct) {
		return nil, fmt.Errorf("fetch key %s: Content-Type %q is not ActivityStreams", keyID, ct)
	}
	return io.ReadAll(io.LimitReader(resp.Body, 1<<20))
}

// isActivityStreams reports whether ct is an ActivityStreams content type.
func isActivityStreams(ct string) bool {
	return strings.HasPrefix(ct, "application/activity+json") ||
		(strings.HasPrefix(ct, "application/ld+json") && strings.Contains(ct, "https://www.w3.org/ns/activitystreams"))
}

// firstContact makes the checks a server makes of an actor it meets the
// first time: Misskey's and Sharkey's actor validation, Mastodon's and
// GoToSocial's WebFinger round trip.
func (p *Peer) firstContact(ctx context.Context, raw []byte, doc remoteActor, fetched string) error {
	p.mu.Lock()
	done := p.checked[doc.ID]
	p.mu.Unlock()
	if done {
		return nil
	}
	switch p.Style.software() {
	case "misskey", "sharkey":
		var full map[string]any
		if err := json.Unmarshal(raw, &full); err != nil {
			return err
		}
		if err := ValidateMisskeyActor(full, fetched); err != nil {
			return err
		}
	}
	if p.Style.Receive.WebFinger != "" {
		if err := checkWebFinger(ctx, p.client, p.Style.Receive.WebFinger, doc.ID, doc.PreferredUsername); err != nil {
			return err
		}
	}
	p.mu.Lock()
	p.checked[doc.ID] = true
	p.mu.Unlock()
	return nil
}

// misskeyUsername is the pattern of a user name Misskey accepts.
var misskeyUsername = regexp.MustCompile(`^\w([\w-.]*\w)?$`)

// ValidateMisskeyActor checks an actor document fetched from fetched as
// Misskey's ApPersonService validateActor and createPerson do
// (packages/backend/src/core/activitypub/models/ApPersonService.ts): an
// actor type, an id and an inbox on the host it came from, a shared inbox,
// outbox, followers, following and publicKey.id on that host too, a
// preferredUsername of at most 128 word characters (dots and dashes
// inside), and a url, if any, on the id's host ("person url <> uri host
// mismatch"). An actor that fails is not created: its activities are
// dropped.
func ValidateMisskeyActor(doc map[string]any, fetched string) error {
	host := hostOf(fetched)
	switch str(doc["type"]) {
	case "Person", "Service", "Application", "Group", "Organization":
	default:
		return fmt.Errorf("invalid Actor type %q", str(doc["type"]))
	}
	if hostOf(str(doc["id"])) != host || hostOf(str(doc["inbox"])) != host {
		return errors.New("invalid Actor: id or inbox has a different host")
	}
	if ep, _ := doc["endpoints"].(map[string]any); ep != nil && ep["sharedInbox"] != nil && hostOf(str(ep["sharedInbox"])) != host {
		return errors.New("invalid Actor: wrong shared inbox")
	}
	for _, c := range []string{"outbox", "followers", "following"} {
		if v := idOf(doc[c]); v != "" && hostOf(v) != host {
			return fmt.Errorf("invalid Actor: %s has different host", c)
		}
	}
	name := str(doc["preferredUsername"])
	if name == "" || len(name) > 128 || !misskeyUsername.MatchString(name) {
		return fmt.Errorf("invalid Actor: wrong username %q", name)
	}
	if pk, _ := doc["publicKey"].(map[string]any); pk != nil && hostOf(str(pk["id"])) != host {
		return errors.New("invalid Actor: publicKey.id has different host")
	}
	if u := hrefOf(doc["url"]); u != "" && hostOf(u) != hostOf(str(doc["id"])) {
		return fmt.Errorf("person url <> uri host mismatch: %s <> %s", u, str(doc["id"]))
	}
	return nil
}

// checkWebFinger looks the actor up by acct:USERNAME@HOST at its host, as
// Mastodon (FetchRemoteActorService#check_webfinger!, app/lib/webfinger.rb)
// or GoToSocial (internal/transport/finger.go, fingerRemoteAccount) does.
// HOST keeps the port here: GoToSocial keeps it too; Mastodon drops it and
// asks https://HOST/, which a test on a loopback port cannot serve.
// Mastodon: the subject must match case-insensitively and the last self
// link (by rel; the type is ignored) must be the actor. GoToSocial: the
// subject's user name must be exactly preferredUsername, and a self link of
// an ActivityStreams type must be the actor.
func checkWebFinger(ctx context.Context, client *http.Client, flavor, actorID, username string) error {
	u, err := url.Parse(actorID)
	if err != nil || username == "" {
		return fmt.Errorf("webfinger: actor %s has no preferredUsername", actorID)
	}
	acct := "acct:" + username + "@" + u.Host
	var jrd struct {
		Subject string
		Links   []struct{ Rel, Type, Href string }
	}
	if err := getJSON(ctx, client, u.Scheme+"://"+u.Host+"/.well-known/webfinger?resource="+url.QueryEscape(acct), "application/jrd+json", &jrd); err != nil {
		return fmt.Errorf("webfinger %s: %w", acct, err)
	}
	if flavor == "gotosocial" {
		m := mentionName.FindStringSubmatch("@" + strings.TrimPrefix(jrd.Subject, "acct:"))
		if m == nil || m[1] != username {
			return fmt.Errorf("webfinger %s: subject %q is not @%s@DOMAIN as GoToSocial reads it", acct, jrd.Subject, username)
		}
		for _, l := range jrd.Links {
			if l.Rel == "self" && isActivityStreams(l.Type) && l.Href == actorID {
				return nil
			}
		}
		return fmt.Errorf("webfinger %s: no self link of an ActivityStreams type to %s", acct, actorID)
	}
	if !strings.EqualFold(jrd.Subject, acct) {
		return fmt.Errorf("webfinger %s: subject %q", acct, jrd.Subject)
	}
	self := ""
	for _, l := range jrd.Links {
		if l.Rel == "self" {
			self = l.Href
		}
	}
	if self != actorID {
		return fmt.Errorf("webfinger %s: self link %q is not the actor %s", acct, self, actorID)
	}
	return nil
}
