package fedtest

import (
	"context"
	"crypto"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Peer is one fediverse server in a Style: a Directory with a user (the
// account that follows, named by the style's UserPath and UserName) and an
// instance actor that signs the server's GETs, whose inboxes receive as
// that server does. Each POST is checked by the style's Rules (Host,
// Content-Type, algorithm, signed headers, Date window, Digest or RFC 9421,
// the key fetched from the sender with a signed GET as the server fetches
// it, and on first contact its WebFinger and, for Misskey and Sharkey, its
// actor validation), then by the document checks of the server (see
// Peer.check), and recorded as a Delivery with the status it was answered.
//
// It is safe for concurrent use.
type Peer struct {
	*Directory
	// Style is the server the peer plays.
	Style Style
	// User is the account that follows; Instance the instance actor.
	User, Instance *Account

	mu         sync.Mutex
	got        []Delivery
	changed    chan struct{}
	reply      func(n int, d Delivery) int // overrides the status of the n-th POST when not 0
	follows    map[string]string           // ids of Follows sent → the followed actor
	objects    map[string]map[string]any   // the last version of each object shown
	activities map[string]bool             // activity ids seen (Pixelfed dedupe)
	keys       map[string]crypto.PublicKey // by key id
	owners     map[string]string           // key id → the actor whose document holds it
	checked    map[string]bool             // actors whose first contact checks passed
	sent       int                         // Follows sent
	ask9421    bool                        // answer draft-cavage POSTs 401 with Accept-Signature
	inboxes    map[string]string           // actor id → its inbox, from the actor documents fetched
	relays     []*peerRelay                // the relays the server subscribed to (peer_relay.go)
}

// NewPeer starts a server in style with its user and instance actor.
// Close it when done.
func NewPeer(style Style) (*Peer, error) {
	p := &Peer{Directory: NewDirectory(), Style: style, changed: make(chan struct{}),
		follows: map[string]string{}, objects: map[string]map[string]any{}, activities: map[string]bool{},
		keys: map[string]crypto.PublicKey{}, owners: map[string]string{}, checked: map[string]bool{},
		inboxes: map[string]string{}}
	p.Directory.mu.Lock()
	p.post = p.serveInbox
	p.software = style.software()
	p.Directory.mu.Unlock()
	userPath, userName, instancePath := style.UserPath, style.UserName, style.InstancePath
	if userPath == "" {
		userPath = "/users/alice"
	}
	if userName == "" {
		userName = "alice"
	}
	if instancePath == "" {
		instancePath = "/actor"
	}
	var err error
	if p.User, err = p.Add(userPath, style); err != nil {
		p.Close()
		return nil, err
	}
	if p.Instance, err = p.Add(instancePath, style); err != nil {
		p.Close()
		return nil, err
	}
	p.User.mu.Lock()
	p.User.name = userName
	p.User.mu.Unlock()
	p.Instance.mu.Lock()
	p.Instance.actorType = "Application"
	p.Instance.mu.Unlock()
	return p, nil
}

// Host is the server's host:port, what its inboxes expect in Host.
func (p *Peer) Host() string { u, _ := url.Parse(p.URL); return u.Host }

// SharedInbox is the server's shared inbox ("" when it has none).
func (p *Peer) SharedInbox() string {
	if p.Style.NoSharedInbox {
		return ""
	}
	return p.URL + "/inbox"
}

// SetInboxReply makes the n-th POST (counting from 1) answer reply(n, d)
// instead of the status the checks gave, when that is not 0: a server that
// fails for a while.
func (p *Peer) SetInboxReply(reply func(n int, d Delivery) int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.reply = reply
}

// RequestRFC9421 makes the inboxes answer a POST without an RFC 9421
// signature with 401 and an Accept-Signature header (RFC 9421 §5.1), as a
// server that wants HTTP Message Signatures may. No modelled server does:
// it lets a test reach a sender's RFC 9421 signing and check it against
// the style's verifier.
func (p *Peer) RequestRFC9421(on bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.ask9421 = on
}

// Follow sends a Follow of target by the user to inbox, signed in the
// style, and returns the answer's status and the Follow's id.
func (p *Peer) Follow(ctx context.Context, target, inbox string) (int, string, error) {
	p.mu.Lock()
	p.sent++
	id := fmt.Sprintf("%s/follows/%d", p.URL, p.sent)
	p.follows[id] = target
	p.mu.Unlock()
	body, err := json.Marshal(map[string]any{"@context": "https://www.w3.org/ns/activitystreams",
		"id": id, "type": "Follow", "actor": p.User.ID(), "object": target})
	if err != nil {
		return 0, "", err
	}
	resp, err := p.User.Post(ctx, inbox, body, time.Now(), nil)
	if err != nil {
		return 0, "", err
	}
	resp.Body.Close()
	return resp.StatusCode, id, nil
}

// Fetch GETs target signed by the instance actor in the style's GET shape
// and returns the status and the decoded document. GoToSocial signs with
// the query first and, after a 401, again without it
// (docs/federation/http_signatures.md "Query Parameters").
func (p *Peer) Fetch(ctx context.Context, target string) (int, map[string]any, error) {
	resp, err := p.Instance.Get(ctx, target)
	if err == nil && resp.StatusCode == http.StatusUnauthorized && p.Style.software() == "gotosocial" && strings.Contains(target, "?") {
		resp.Body.Close()
		resp, err = p.Instance.getWith(ctx, p.client, target, true)
	}
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	var doc map[string]any
	if resp.StatusCode == http.StatusOK {
		if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&doc); err != nil {
			return resp.StatusCode, nil, err
		}
	}
	return resp.StatusCode, doc, nil
}

// Deliveries returns every POST received so far.
func (p *Peer) Deliveries() []Delivery {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Delivery(nil), p.got...)
}

// WaitFor blocks until a delivery matching match has arrived (it may have
// arrived already) or ctx ends.
func (p *Peer) WaitFor(ctx context.Context, match func(Delivery) bool) (Delivery, error) {
	for {
		p.mu.Lock()
		changed := p.changed
		for _, d := range p.got {
			if match(d) {
				p.mu.Unlock()
				return d, nil
			}
		}
		n := len(p.got)
		p.mu.Unlock()
		select {
		case <-ctx.Done():
			return Delivery{}, fmt.Errorf("%s: no matching delivery among %d: %w", p.Style.Name, n, ctx.Err())
		case <-changed:
		}
	}
}

// serveInbox receives a POST to the user's inbox or the shared inbox.
func (p *Peer) serveInbox(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		http.Error(w, "unreadable body", http.StatusBadRequest)
		return
	}
	owner, ok := p.inboxOwner(r.URL.Path)
	if !ok {
		http.NotFound(w, r)
		return
	}
	d := Delivery{Path: r.URL.Path, Body: body, Header: withHost(r)}
	p.mu.Lock()
	n, reply, ask := len(p.got)+1, p.reply, p.ask9421
	p.mu.Unlock()
	if ask && r.Header.Get("Signature-Input") == "" {
		_ = json.Unmarshal(body, &d.Activity)
		d.Problem, d.Status = "an RFC 9421 signature was asked for", http.StatusUnauthorized
		w.Header().Set("Accept-Signature", `sig1=("@method" "@target-uri" "content-digest");created;keyid;alg="rsa-v1_5-sha256"`)
	} else {
		d.Status = p.receive(r.Context(), r, body, &d, owner)
	}
	if reply != nil {
		if s := reply(n, d); s != 0 {
			d.Status = s
		}
	}
	p.mu.Lock()
	p.got = append(p.got, d)
	close(p.changed)
	p.changed = make(chan struct{})
	p.mu.Unlock()
	w.WriteHeader(d.Status)
	if d.Status == http.StatusOK && p.Style.software() == "akkoma" {
		_, _ = io.WriteString(w, `"ok"`) // ActivityPubController#inbox: json(conn, "ok")
	}
}

// inboxOwner finds the account whose inbox path is: nil and true for the
// shared inbox, false for a path that is no inbox (the user's, the
// instance actor's, which a relay answers, and any other account's).
func (p *Peer) inboxOwner(path string) (*Account, bool) {
	if path == "/inbox" {
		return nil, true
	}
	actor, ok := strings.CutSuffix(path, "/inbox")
	if !ok {
		return nil, false
	}
	p.Directory.mu.Lock()
	defer p.Directory.mu.Unlock()
	a := p.accts[actor]
	return a, a != nil
}
