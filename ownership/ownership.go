// Package ownership checks that a website wants a Herald account: the site
// shows a token Herald gave its webmaster, in one of three places a
// webmaster controls: a <meta name="herald-verify"> tag on the home page, a
// /.well-known/herald-verify file, or a DNS TXT record. On a shared Herald
// (one operator, many organisations) this keeps anyone from publishing an
// account for a site that is not theirs.
package ownership

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"

	"golang.org/x/net/html"
)

// Methods by which a site can prove ownership.
const (
	MethodMeta       = "meta"
	MethodWellKnown  = "well-known"
	MethodDNS        = "dns"
	metaName         = "herald-verify"
	wellKnownPath    = "/.well-known/herald-verify"
	dnsPrefix        = "_herald-verify."
	txtPrefix        = "herald-verify="
	maxDocumentBytes = 1 << 20
)

// ErrNotFound is returned (wrapped, with what was tried) when no method
// shows the token.
var ErrNotFound = errors.New("verification token not found")

// Checker looks for tokens. Client must be Herald's outbound client (SSRF
// guard, limits); Resolver may be nil for the system resolver.
type Checker struct {
	Client   *http.Client
	Resolver *net.Resolver
}

// Instructions tells a webmaster how to verify site (its origin, e.g.
// https://www.example.org) with token, one line per method.
func Instructions(site, token string) []string {
	host := hostname(site)
	return []string{
		fmt.Sprintf(`on %s/ put <meta name="%s" content="%s"> inside <head>`, strings.TrimRight(site, "/"), metaName, token),
		fmt.Sprintf(`or serve %s%s containing %s`, strings.TrimRight(site, "/"), wellKnownPath, token),
		fmt.Sprintf(`or add a DNS TXT record %s%s with the value %s%s`, dnsPrefix, host, txtPrefix, token),
	}
}

// Check looks for token on site (an origin such as https://www.example.org)
// and returns the method that shows it, or an error wrapping ErrNotFound
// that says what each method found.
func (c *Checker) Check(ctx context.Context, site, token string) (method string, err error) {
	if token == "" {
		return "", errors.New("empty token")
	}
	var problems []string
	if ok, err := c.meta(ctx, site, token); ok {
		return MethodMeta, nil
	} else {
		problems = append(problems, "meta tag: "+describe(err))
	}
	if ok, err := c.wellKnown(ctx, site, token); ok {
		return MethodWellKnown, nil
	} else {
		problems = append(problems, "well-known file: "+describe(err))
	}
	if ok, err := c.dns(ctx, site, token); ok {
		return MethodDNS, nil
	} else {
		problems = append(problems, "DNS TXT: "+describe(err))
	}
	return "", fmt.Errorf("%w on %s (%s)", ErrNotFound, site, strings.Join(problems, "; "))
}

func describe(err error) string {
	if err == nil {
		return "no token"
	}
	return err.Error()
}

func (c *Checker) get(ctx context.Context, u string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.Client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	return io.ReadAll(io.LimitReader(resp.Body, maxDocumentBytes))
}

// meta looks for <meta name="herald-verify" content=TOKEN> on the home page.
func (c *Checker) meta(ctx context.Context, site, token string) (bool, error) {
	page, err := c.get(ctx, strings.TrimRight(site, "/")+"/")
	if err != nil {
		return false, err
	}
	z := html.NewTokenizer(strings.NewReader(string(page)))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return false, nil
		case html.StartTagToken, html.SelfClosingTagToken:
			t := z.Token()
			if t.Data != "meta" {
				continue
			}
			var name, content string
			for _, a := range t.Attr {
				switch strings.ToLower(a.Key) {
				case "name":
					name = a.Val
				case "content":
					content = a.Val
				}
			}
			if strings.EqualFold(name, metaName) && strings.TrimSpace(content) == token {
				return true, nil
			}
		}
	}
}

// wellKnown looks for the token in /.well-known/herald-verify.
func (c *Checker) wellKnown(ctx context.Context, site, token string) (bool, error) {
	body, err := c.get(ctx, strings.TrimRight(site, "/")+wellKnownPath)
	if err != nil {
		return false, err
	}
	for _, line := range strings.Fields(string(body)) {
		if line == token {
			return true, nil
		}
	}
	return false, nil
}

// dns looks for a TXT record "herald-verify=TOKEN" at _herald-verify.HOST.
func (c *Checker) dns(ctx context.Context, site, token string) (bool, error) {
	r := c.Resolver
	if r == nil {
		r = net.DefaultResolver
	}
	records, err := r.LookupTXT(ctx, dnsPrefix+hostname(site))
	if err != nil {
		return false, err
	}
	for _, rec := range records {
		if strings.TrimSpace(rec) == txtPrefix+token {
			return true, nil
		}
	}
	return false, nil
}

func hostname(site string) string {
	u, err := url.Parse(site)
	if err != nil || u.Host == "" {
		return site
	}
	return strings.ToLower(u.Hostname())
}
