package fedtest

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/go-fed/httpsig"
)

// receive checks an inbox POST as the peer's server does, fills d
// (Activity, KeyID, Problem, Verified, Hidden) and returns the status to
// answer. owner is the account whose inbox it is, nil for the shared inbox.
func (p *Peer) receive(ctx context.Context, r *http.Request, body []byte, d *Delivery, owner *Account) int {
	rules := p.Style.Receive
	accepted, rejected := rules.statuses()
	if problem, status := p.admit(r); problem != "" {
		d.Problem = problem
		return status
	}
	if err := json.Unmarshal(body, &d.Activity); err != nil {
		d.Problem = "body is not a JSON object: " + err.Error()
		return http.StatusBadRequest
	}
	var early bool
	d.KeyID, d.Problem, early = p.verify(ctx, r, body)
	if d.Problem == "" {
		if d.RelayedBy = p.foreignSigner(d.KeyID, d.Activity); d.RelayedBy != "" && p.Style.software() == "mastodon" {
			return p.receiveRelayed(ctx, d, owner)
		}
		d.Problem = p.checkKeyOwner(d.KeyID, d.Activity)
	}
	d.Verified = d.Problem == ""
	if !d.Verified {
		if rules.Async && !early {
			return accepted // verified after the answer: the failure is silent
		}
		return rejected
	}
	if d.Type() == "Announce" && p.fetchesAnnounced() {
		d.Hidden = p.receiveAnnounce(ctx, d)
		return accepted
	}
	status, hidden := p.check(*d, owner)
	d.Hidden = hidden
	if status == 0 {
		status = accepted
	}
	return status
}

// admit makes the checks that come before the signature: the Content-Type
// whitelist (GoToSocial, 406) and Host equal to the server's own host:port
// (Misskey and Sharkey 401, Akkoma's EnsureHostPlug 400).
func (p *Peer) admit(r *http.Request) (problem string, status int) {
	rules := p.Style.Receive
	if ct := r.Header.Get("Content-Type"); rules.ContentTypes != nil && !slices.ContainsFunc(rules.ContentTypes, func(ok string) bool {
		return strings.HasPrefix(ct, ok)
	}) {
		return "Content-Type not accepted: " + ct, rules.BadContentType
	}
	if rules.HostMatch != 0 && r.Host != p.Host() {
		return fmt.Sprintf("Host %q is not this server's %q", r.Host, p.Host()), rules.HostMatch
	}
	return "", 0
}

// verify checks the request's signature (RFC 9421 when it has
// Signature-Input and the style verifies those, draft-cavage otherwise)
// and returns the key id, the problem ("" when it verified) and whether
// the problem was found before the key was fetched (a parse, coverage,
// Date or digest failure: even an asynchronous server refuses those at
// once).
func (p *Peer) verify(ctx context.Context, r *http.Request, body []byte) (keyID, problem string, early bool) {
	if r.Header.Get("Signature-Input") != "" {
		if !p.Style.Receive.RFC9421 {
			return "", "an RFC 9421 signature, which " + p.Style.Name + " does not verify", true
		}
		return p.verifyMessage(ctx, r, body)
	}
	req := r.Clone(ctx)
	req.Header = withHost(r)
	v, err := httpsig.NewVerifier(req)
	if err != nil {
		return "", "no usable signature: " + err.Error(), true
	}
	keyID = v.KeyId()
	if problem := p.checkCavage(req, body); problem != "" {
		return keyID, problem, true
	}
	for refresh := range 2 {
		pub, err := p.key(ctx, keyID, refresh == 1)
		if err != nil {
			return keyID, err.Error(), false
		}
		if err := v.Verify(pub, httpsig.RSA_SHA256); err == nil {
			return keyID, "", false
		} else if refresh == 1 {
			return keyID, "signature does not verify: " + err.Error(), false
		}
	}
	return keyID, "unreachable", false
}

// algorithmParam finds the algorithm parameter of a Signature header.
var algorithmParam = regexp.MustCompile(`(?:^|,)\s*algorithm="([^"]*)"`)

// checkCavage makes the checks of a draft-cavage signature that need no
// key: the algorithm label, the headers it must cover, the Date window and
// the Digest of the body.
func (p *Peer) checkCavage(req *http.Request, body []byte) string {
	rules := p.Style.Receive
	sig := req.Header.Get("Signature")
	alg := ""
	if m := algorithmParam.FindStringSubmatch(sig); m != nil {
		alg = m[1]
	}
	if rules.Algorithms != nil && !slices.Contains(rules.Algorithms, alg) {
		return fmt.Sprintf("algorithm %q not accepted by %s", alg, p.Style.Name)
	}
	covered := signedHeaders(sig)
	for _, h := range rules.Required {
		if !strings.Contains(covered, " "+h+" ") {
			return "header not signed: " + h
		}
	}
	if problem := p.checkTime(req.Header.Get("Date")); problem != "" {
		return problem
	}
	if len(body) > 0 || req.Header.Get("Digest") != "" {
		sum := sha256.Sum256(body)
		if want := "SHA-256=" + base64.StdEncoding.EncodeToString(sum[:]); req.Header.Get("Digest") != want {
			return "Digest does not match the body: " + req.Header.Get("Digest")
		}
	}
	return ""
}

// checkTime checks a Date against the style's window.
func (p *Peer) checkTime(date string) string {
	t, err := http.ParseTime(date)
	if err != nil {
		return "Date missing or unparsable: " + date
	}
	past, future := p.Style.Receive.window()
	if time.Since(t) > past || time.Until(t) > future {
		return fmt.Sprintf("Date %s outside %s's window (-%s, +%s)", date, p.Style.Name, past, future)
	}
	return ""
}

// checkKeyOwner checks that the activity's actor owns the key that signed
// it: the key's document named it as owner.
func (p *Peer) checkKeyOwner(keyID string, activity map[string]any) string {
	p.mu.Lock()
	owner, ok := p.owners[keyID]
	p.mu.Unlock()
	if actor, _ := activity["actor"].(string); !ok || owner != actor {
		return fmt.Sprintf("key %s belongs to %q, not to the actor %v", keyID, owner, activity["actor"])
	}
	return ""
}
