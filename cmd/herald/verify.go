package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"golang.org/x/net/html"

	"herald/actor"
	"herald/outbound"
)

// maxPage bounds the home page read by verify.
const maxPage = 5 << 20

// siteMarks is what verify looks for on a site's page.
type siteMarks struct {
	relMe    []string // hrefs of <a rel="me"> and <link rel="me">
	creators []string // content of <meta name="fediverse:creator">
}

// verifyCommand checks that the site a feed belongs to vouches for the
// account: a rel="me" link to the actor (Mastodon's verified checkmark on the
// website field) and a fediverse:creator meta tag (author bylines on link
// cards). It prints exactly what is missing and where it goes.
func verifyCommand(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	configPath := fs.String("config", "", "config file (base_url and the feed of HANDLE)")
	site := fs.String("site", "", "the site's home page (default: the origin of the feed URL)")
	allowPrivate := fs.Bool("allow-private", false, "allow a site on a loopback or private address")
	if code, ok := parseFlags(fs, args, "herald verify --config FILE [flags] HANDLE", 1); !ok {
		return code
	}
	cfg, ok := loadConfig("herald verify", *configPath, stderr)
	if !ok {
		return exitUsage
	}
	handle := strings.ToLower(fs.Arg(0))
	feedURL := ""
	for _, f := range cfg.Feeds {
		if f.Handle == handle {
			feedURL = f.URL
		}
	}
	if feedURL == "" {
		fmt.Fprintf(stderr, "herald verify: no feed with handle %q in the config\n", handle)
		return exitUsage
	}
	home := *site
	if home == "" {
		home = originOf(feedURL) + "/"
	}
	client := outbound.NewClient(outbound.Options{AllowPrivate: *allowPrivate || cfg.AllowPrivateAddresses, Timeout: cfg.FetchTimeout.Std(), UserAgent: outbound.UserAgent(version, cfg.BaseURL)})
	marks, err := fetchMarks(client, home)
	if err != nil {
		fmt.Fprintf(stdout, "PROBLEM: cannot read %s: %v\n", home, err)
		return exitFailed
	}
	ok = report(stdout, marks, actor.URLs{Base: cfg.BaseURL}.Actor(handle), "@"+handle+"@"+cfg.Host(), home)
	if !ok {
		return exitFailed
	}
	return exitOK
}

func originOf(u string) string {
	scheme, rest, _ := strings.Cut(u, "://")
	host, _, _ := strings.Cut(rest, "/")
	return scheme + "://" + host
}

// report prints each check and returns whether all passed.
func report(w io.Writer, m siteMarks, actorID, acct, home string) bool {
	ok := true
	if containsFold(m.relMe, actorID) {
		fmt.Fprintf(w, "OK   %s links to %s with rel=\"me\": Mastodon shows the website as verified.\n", home, actorID)
	} else {
		ok = false
		fmt.Fprintf(w, "MISSING  rel=\"me\" link on %s. Add inside <head>:\n    <link rel=\"me\" href=\"%s\">\n", home, actorID)
		if len(m.relMe) > 0 {
			fmt.Fprintf(w, "    (found rel=\"me\" links to: %s)\n", strings.Join(m.relMe, ", "))
		}
	}
	if containsFold(m.creators, acct) {
		fmt.Fprintf(w, "OK   fediverse:creator names %s: link cards show the account as author.\n", acct)
	} else {
		ok = false
		fmt.Fprintf(w, "MISSING  fediverse:creator on %s and the article pages. Add inside <head>:\n    <meta name=\"fediverse:creator\" content=\"%s\">\n", home, acct)
	}
	return ok
}

func containsFold(list []string, want string) bool {
	for _, v := range list {
		if strings.EqualFold(strings.TrimRight(v, "/"), strings.TrimRight(want, "/")) {
			return true
		}
	}
	return false
}

func fetchMarks(client *http.Client, page string) (siteMarks, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, page, nil)
	if err != nil {
		return siteMarks{}, err
	}
	req.Header.Set("Accept", "text/html")
	resp, err := client.Do(req)
	if err != nil {
		return siteMarks{}, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return siteMarks{}, fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	return parseMarks(io.LimitReader(resp.Body, maxPage))
}

// parseMarks collects rel="me" hrefs and fediverse:creator metas from HTML.
func parseMarks(r io.Reader) (siteMarks, error) {
	var m siteMarks
	z := html.NewTokenizer(r)
	for {
		switch z.Next() {
		case html.ErrorToken:
			if errors.Is(z.Err(), io.EOF) {
				return m, nil
			}
			return m, z.Err()
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			attrs := map[string]string{}
			for _, a := range tok.Attr {
				attrs[strings.ToLower(a.Key)] = a.Val
			}
			switch tok.Data {
			case "a", "link":
				if hasToken(attrs["rel"], "me") && attrs["href"] != "" {
					m.relMe = append(m.relMe, attrs["href"])
				}
			case "meta":
				if strings.EqualFold(attrs["name"], "fediverse:creator") {
					m.creators = append(m.creators, strings.TrimSpace(attrs["content"]))
				}
			}
		}
	}
}

// hasToken reports whether a space-separated attribute contains tok.
func hasToken(list, tok string) bool {
	for _, f := range strings.Fields(strings.ToLower(list)) {
		if f == tok {
			return true
		}
	}
	return false
}
