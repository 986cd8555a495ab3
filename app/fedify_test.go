package app_test

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"herald/apptest/node"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"herald/actor"
	"herald/app"
	"herald/apptest"
	"herald/config"
	"herald/outbound"
	"herald/store"
)

// fedifyDir holds the Node project that runs Fedify (.ci/run installs it
// with npm ci).
const fedifyDir = "../interop/fedify"

// TestFedifyInterop has Fedify (npm @fedify/fedify and @fedify/vocab, an
// independent ActivityPub implementation) look up Herald's account by
// handle, fetch a post by id through its JSON-LD processing, follow the
// account, and verify with its own verifier the signatures on the Accept and
// on the Create Herald delivers for a new item. It asserts the fields Fedify
// parsed. Fedify looks handles up over https only, so Herald serves TLS with
// a certificate made here and given to Node as an extra CA. The handle is on
// another domain (account_domain), whose site redirects WebFinger to Herald
// as docs/accounts.md describes; Fedify finds the account both there and at
// Herald's own host.
func TestFedifyInterop(t *testing.T) {
	node := fedifyNode(t)
	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Second)
	defer cancel()

	feed := apptest.NewFeedServer(t, apptest.Fixture(t, "1-published.feed.rss.xml"))
	cert, caFile := loopbackCert(t)
	site := ownDomainSite(t, cert)
	cfg := startHeraldTLS(t, feed.URL, cert, func(c *config.Config) { site.redirectTo = c.BaseURL; c.AccountDomain = site.host })
	urls := actor.URLs{Base: cfg.BaseURL}
	postID := urls.Object("news", "http://127.0.0.1:8081/?p=6")

	cmd, events := startFedify(ctx, t, node, "NODE_EXTRA_CA_CERTS="+caFile,
		"HERALD_HANDLE=acct:news@"+site.host, "HERALD_HANDLE_ALT=acct:news@"+cfg.Host(), "HERALD_POST="+postID, "HERALD_ARTICLE="+urls.Object("long", "http://127.0.0.1:8081/?p=6"))
	defer func() { _ = cmd.Wait() }()

	checkFedifyActor(t, events.next(t, "actor")["actor"].(map[string]any), urls)
	if alt := events.next(t, "actor-alt"); alt["id"] != urls.Actor("news") {
		t.Errorf("Fedify found %v at Herald's own host, want %s", alt["id"], urls.Actor("news"))
	}
	checkFedifyPost(t, events.next(t, "post")["post"].(map[string]any), postID)
	checkFedifyArticle(t, events.next(t, "article"), urls.Object("long", "http://127.0.0.1:8081/?p=6"))
	events.next(t, "follow-sent")
	accept := events.next(t, "accept")
	if accept["verifiedKey"] != urls.KeyID("news") {
		t.Errorf("Fedify's verifyRequest on the Accept gave key %v, want %s", accept["verifiedKey"], urls.KeyID("news"))
	}

	feed.Set([]byte(strings.Replace(string(apptest.Fixture(t, "1-published.feed.rss.xml")), "<item>", fedifyItem+"<item>", 1)))
	checkFedifyCreate(t, events.next(t, "create"), urls)
}

// fedifyNode returns the Node that runs Fedify (see package node).
func fedifyNode(t *testing.T) string { return node.Find(t, fedifyDir, "Fedify interop test") }

// startFedify runs check.mjs with node in fedifyDir, with env added to the
// environment, and returns the command (the caller waits for it) and the
// events it prints. Its stderr goes to the test log.
func startFedify(ctx context.Context, t *testing.T, node string, env ...string) (*exec.Cmd, *fedifyEvents) {
	t.Helper()
	cmd := exec.CommandContext(ctx, node, "check.mjs")
	cmd.Dir = fedifyDir
	cmd.Env = append(os.Environ(), env...)
	cmd.Stderr = &testWriter{t: t}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	events := bufio.NewScanner(out)
	events.Buffer(make([]byte, 1<<20), 1<<20)
	return cmd, &fedifyEvents{events}
}

// fedifyEvents are the JSON lines check.mjs prints, one event each.
type fedifyEvents struct{ sc *bufio.Scanner }

// next skips to the event want and returns it; it fails the test on an
// error event or if check.mjs ends first.
func (e *fedifyEvents) next(t *testing.T, want string) map[string]any {
	t.Helper()
	for e.sc.Scan() {
		var ev map[string]any
		if err := json.Unmarshal(e.sc.Bytes(), &ev); err != nil {
			t.Logf("fedify: %s", e.sc.Bytes())
			continue
		}
		switch ev["event"] {
		case want:
			return ev
		case "error", "server-error":
			t.Fatalf("fedify: %v", ev["message"])
		}
	}
	t.Fatalf("fedify ended before %q: %v", want, e.sc.Err())
	return nil
}

// checkFedifyCreate: the Create of fedifyItem, verified by Fedify, and the
// object, tags and attachment it parsed.
func checkFedifyCreate(t *testing.T, create map[string]any, urls actor.URLs) {
	t.Helper()
	if create["verifiedKey"] != urls.KeyID("news") || create["actor"] != urls.Actor("news") {
		t.Errorf("Create verified with key %v from %v, want %s", create["verifiedKey"], create["actor"], urls.KeyID("news"))
	}
	obj := create["object"].(map[string]any)
	if obj["id"] != urls.Object("news", "http://127.0.0.1:8081/?p=77") || !strings.Contains(obj["content"].(string), "Storm op zee") {
		t.Errorf("created object = %v", obj)
	}
	if tags := tagHrefs(obj); !slices.Contains(tags, "#StormOpZee") {
		t.Errorf("created tags = %v", tags)
	}
	if att := obj["attachments"].([]any); len(att) != 1 || att[0].(map[string]any)["name"] != "Golven bij de kust" {
		t.Errorf("created attachments = %v", att)
	}
}

// fedifyItem is the new item whose Create Fedify receives.
const fedifyItem = `<item><title>Storm op zee</title><link>http://127.0.0.1:8081/storm/</link>
<pubDate>Thu, 26 Nov 2026 02:00:00 +0000</pubDate><category><![CDATA[Storm op zee]]></category>
<guid isPermaLink="false">http://127.0.0.1:8081/?p=77</guid>
<description><![CDATA[De storm houdt aan.]]></description>
<content:encoded><![CDATA[<p>De storm houdt aan.</p><p><img src="http://127.0.0.1:8081/golven.png" alt="Golven bij de kust" width="800" height="600"></p>]]></content:encoded></item>
`

func checkFedifyActor(t *testing.T, a map[string]any, urls actor.URLs) {
	t.Helper()
	for key, want := range map[string]any{
		"type": "https://www.w3.org/ns/activitystreams#Service", "id": urls.Actor("news"), "preferredUsername": "news",
		"name": "Ministerie van Voorbeeldzaken", "summary": "<p>Nieuws en berichten van een fictief ministerie</p>",
		"url": urls.Actor("news"), "discoverable": true, "indexable": true, "inbox": urls.Inbox("news"),
		"followers": urls.Followers("news"), "featured": urls.Featured("news"), "featuredTags": urls.FeaturedTags("news"),
		"sharedInbox": urls.SharedInbox(), "publicKeyId": urls.KeyID("news"),
	} {
		if a[key] != want {
			t.Errorf("Fedify parsed actor %s = %v, want %v", key, a[key], want)
		}
	}
	if icon, _ := a["icon"].(map[string]any); icon["url"] != "https://example.org/logo.png" || icon["mediaType"] != "image/png" {
		t.Errorf("Fedify parsed icon %v", a["icon"])
	}
	fields, _ := a["fields"].([]any)
	if len(fields) != 1 || fields[0].(map[string]any)["name"] != "Website" || !strings.Contains(fields[0].(map[string]any)["value"].(string), `rel="me`) {
		t.Errorf("Fedify parsed fields %v", fields)
	}
}

func checkFedifyPost(t *testing.T, p map[string]any, id string) {
	t.Helper()
	for key, want := range map[string]any{
		"type": "https://www.w3.org/ns/activitystreams#Note", "id": id, "name": nil, "sensitive": false,
		"url":     "http://127.0.0.1:8081/2026/11/26/video-en-foto-de-oosterscheldekering/",
		"replies": id + "/replies", "likes": id + "/likes", "shares": id + "/shares",
	} {
		if p[key] != want {
			t.Errorf("Fedify parsed post %s = %v, want %v", key, p[key], want)
		}
	}
	if !strings.HasPrefix(p["content"].(string), "<p><strong>Video en foto: de Oosterscheldekering</strong></p>") {
		t.Errorf("Fedify parsed content %v", p["content"])
	}
	if langs, _ := p["languages"].([]any); len(langs) != 1 || langs[0] != "nl" {
		t.Errorf("Fedify parsed languages %v, want [nl]", p["languages"])
	}
	if tags := tagHrefs(p); !slices.Equal(tags, []string{"#Multimedia"}) {
		t.Errorf("Fedify parsed tags %v", tags)
	}
	att, _ := p["attachments"].([]any)
	if len(att) != 1 {
		t.Fatalf("Fedify parsed attachments %v, want the inline image", att)
	}
	img := att[0].(map[string]any)
	if img["type"] != "https://www.w3.org/ns/activitystreams#Image" || img["mediaType"] != "image/jpeg" ||
		img["name"] != "De Oosterscheldekering bij storm" || img["width"] != 1024.0 || img["height"] != 576.0 {
		t.Errorf("Fedify parsed attachment %v", img)
	}
}

// checkFedifyArticle: the Article of a long-form feed, with its preview
// Note (FEP-b2b8), as Fedify parsed them.
func checkFedifyArticle(t *testing.T, ev map[string]any, id string) {
	t.Helper()
	a, _ := ev["article"].(map[string]any)
	if a["type"] != "https://www.w3.org/ns/activitystreams#Article" || a["id"] != id || a["name"] != "Video en foto: de Oosterscheldekering" ||
		!strings.Contains(a["content"].(string), `<a href="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ">Deltaprogramma in 3 minuten</a>`) {
		t.Errorf("Fedify parsed article %v", a)
	}
	p, _ := ev["preview"].(map[string]any)
	if p == nil || p["type"] != "https://www.w3.org/ns/activitystreams#Note" ||
		!strings.HasPrefix(fmt.Sprint(p["content"]), "<p><strong>Video en foto") || len(p["attachments"].([]any)) != 1 {
		t.Errorf("Fedify parsed preview %v", p)
	}
}

func tagHrefs(p map[string]any) []string {
	var names []string
	tags, _ := p["tags"].([]any)
	for _, tg := range tags {
		m := tg.(map[string]any)
		if href, _ := m["href"].(string); strings.HasPrefix(href, "https://") {
			names = append(names, m["name"].(string))
		}
	}
	return names
}

// siteTLS is an institution's website over TLS that sends WebFinger and
// host-meta requests on to Herald.
type siteTLS struct {
	host       string
	redirectTo string // Herald's base URL, set before the first request
}

func ownDomainSite(t *testing.T, cert tls.Certificate) *siteTLS {
	t.Helper()
	s := &siteTLS{}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/.well-known/") {
			http.NotFound(w, r)
			return
		}
		http.Redirect(w, r, s.redirectTo+r.URL.RequestURI(), http.StatusMovedPermanently)
	}))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	s.host = strings.TrimPrefix(srv.URL, "https://")
	return s
}

// startHeraldTLS runs Herald over TLS with cert on loopback for feedURL
// (handle news with an avatar configured, handle long with Articles), after
// tweak has adjusted the config, and returns the config.
func startHeraldTLS(t *testing.T, feedURL string, cert tls.Certificate, tweak func(*config.Config)) *config.Config {
	t.Helper()
	cfg := apptest.Config(t, config.Feed{Handle: "news", URL: feedURL, Profile: config.Profile{Avatar: "https://example.org/logo.png"}},
		config.Feed{Handle: "long", URL: feedURL, Posts: config.Posts{ObjectType: "Article"}})
	cfg.BaseURL = "https://" + cfg.Listen
	tweak(cfg)
	st, err := store.Open(cfg.DataDir)
	if err != nil {
		t.Fatal(err)
	}
	b, err := app.New(app.Options{
		Config: cfg, Store: st, Logger: apptest.Logger(t), Version: "test",
		Client:     outbound.NewClient(outbound.Options{AllowPrivate: true, Timeout: cfg.FetchTimeout.Std()}),
		RetryDelay: func(int) time.Duration { return 100 * time.Millisecond },
	})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx, tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{cert}})) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
		st.Close()
	})
	apptest.Eventually(t, 5*time.Second, "first polls", func() bool {
		s, _ := st.FeedState("news")
		l, _ := st.FeedState("long")
		return s.Initialised && l.Initialised
	})
	return cfg
}

// loopbackCert makes a self-signed certificate for 127.0.0.1 and writes it
// as PEM for NODE_EXTRA_CA_CERTS.
func loopbackCert(t *testing.T) (tls.Certificate, string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "herald test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, caFile
}

// testWriter forwards a child's stderr to the test log.
type testWriter struct{ t *testing.T }

func (w *testWriter) Write(p []byte) (int, error) {
	w.t.Logf("fedify stderr: %s", strings.TrimRight(string(p), "\n"))
	return len(p), nil
}
