package fedtest

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// signatureInput parses the first member of a Signature-Input header:
// label=("c1" "c2" ...);param=value;...
var signatureInput = regexp.MustCompile(`^\s*([a-zA-Z0-9_*-]+)=(\(([^)]*)\)(.*))$`)

// messageParam is one ;key=value parameter of a signature.
var messageParam = regexp.MustCompile(`;\s*([a-z]+)=("[^"]*"|[0-9]+)`)

// verifyMessage checks an RFC 9421 signature as Mastodon 4.5 does
// (app/lib/signed_request.rb, SignedRequest::HttpMessageSignature): the
// first signature of Signature-Input, with keyid and created, covering
// @method, @target-uri and, for a POST, content-digest, whose sha-256
// (RFC 9530) must match the body; created within the Date window;
// rsa-v1_5-sha256 only. @target-uri is the peer's origin and the request's
// path and query. It returns as verify does.
func (p *Peer) verifyMessage(ctx context.Context, r *http.Request, body []byte) (keyID, problem string, early bool) {
	m := signatureInput.FindStringSubmatch(r.Header.Get("Signature-Input"))
	if m == nil {
		return "", "unparsable Signature-Input", true
	}
	label, paramsValue, list, rest := m[1], m[2], m[3], m[4]
	components := strings.Fields(strings.ReplaceAll(list, `"`, ""))
	params := map[string]string{}
	for _, pm := range messageParam.FindAllStringSubmatch(rest, -1) {
		params[pm[1]] = strings.Trim(pm[2], `"`)
	}
	keyID = params["keyid"]
	created, err := strconv.ParseInt(params["created"], 10, 64)
	switch {
	case keyID == "" || err != nil:
		return keyID, "RFC 9421 signature without keyid or created", true
	case params["alg"] != "" && params["alg"] != "rsa-v1_5-sha256":
		return keyID, "RFC 9421 algorithm " + params["alg"] + " not supported", true
	case !slices.Contains(components, "@method") || !slices.Contains(components, "@target-uri"):
		return keyID, "RFC 9421 signature does not cover @method and @target-uri", true
	case r.Method == http.MethodPost && !slices.Contains(components, "content-digest"):
		return keyID, "RFC 9421 signature of a POST does not cover content-digest", true
	}
	if problem := p.checkTime(time.Unix(created, 0).UTC().Format(http.TimeFormat)); problem != "" {
		return keyID, problem, true
	}
	if problem := checkContentDigest(r.Header.Get("Content-Digest"), body); r.Method == http.MethodPost && problem != "" {
		return keyID, problem, true
	}
	base, problem := p.messageBase(r, components, paramsValue)
	if problem != "" {
		return keyID, problem, true
	}
	sig, ok := messageSignature(r.Header.Get("Signature"), label)
	if !ok {
		return keyID, "no Signature for label " + label, true
	}
	return keyID, p.verifyBase(ctx, keyID, base, sig), false
}

// checkContentDigest checks an RFC 9530 Content-Digest's sha-256 member.
func checkContentDigest(header string, body []byte) string {
	sum := sha256.Sum256(body)
	want := "sha-256=:" + base64.StdEncoding.EncodeToString(sum[:]) + ":"
	for _, member := range strings.Split(header, ",") {
		if strings.TrimSpace(member) == want {
			return ""
		}
	}
	return "Content-Digest does not carry the body's sha-256: " + header
}

// messageBase builds the signature base of RFC 9421 §2.5.
func (p *Peer) messageBase(r *http.Request, components []string, paramsValue string) (string, string) {
	var b strings.Builder
	for _, c := range components {
		var v string
		switch c {
		case "@method":
			v = r.Method
		case "@target-uri":
			v = p.URL + r.URL.RequestURI()
		case "@authority":
			v = strings.ToLower(r.Host)
		case "@path":
			v = r.URL.EscapedPath()
		case "@request-target":
			v = r.URL.RequestURI()
		default:
			if strings.HasPrefix(c, "@") || len(r.Header.Values(c)) == 0 {
				return "", "cannot cover component " + c
			}
			v = strings.Join(r.Header.Values(c), ", ")
		}
		fmt.Fprintf(&b, "%q: %s\n", c, strings.TrimSpace(v))
	}
	fmt.Fprintf(&b, "%q: %s", "@signature-params", paramsValue)
	return b.String(), ""
}

// messageSignature finds label=:base64: in a Signature header.
func messageSignature(header, label string) ([]byte, bool) {
	for _, member := range strings.Split(header, ",") {
		l, v, ok := strings.Cut(strings.TrimSpace(member), "=")
		if ok && l == label && strings.HasPrefix(v, ":") && strings.HasSuffix(v, ":") {
			sig, err := base64.StdEncoding.DecodeString(strings.Trim(v, ":"))
			return sig, err == nil
		}
	}
	return nil, false
}

// verifyBase verifies sig over base with keyID's key (fetched again once
// when it fails) and returns the problem, "" when it verifies.
func (p *Peer) verifyBase(ctx context.Context, keyID, base string, sig []byte) string {
	sum := sha256.Sum256([]byte(base))
	for refresh := range 2 {
		pub, err := p.key(ctx, keyID, refresh == 1)
		if err != nil {
			return err.Error()
		}
		rsaKey, ok := pub.(*rsa.PublicKey)
		if !ok {
			return "key " + keyID + " is not RSA"
		}
		if rsa.VerifyPKCS1v15(rsaKey, crypto.SHA256, sum[:], sig) == nil {
			return ""
		}
	}
	return "RFC 9421 signature does not verify"
}
