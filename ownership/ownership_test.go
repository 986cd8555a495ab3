package ownership

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/dns/dnsmessage"
)

const token = "3f2a9c0d5e7b41a8"

// dnsServer answers TXT queries on loopback UDP from records (name → texts).
func dnsServer(t *testing.T, records map[string][]string) *net.Resolver {
	t.Helper()
	conn, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	go func() {
		buf := make([]byte, 1500)
		for {
			n, addr, err := conn.ReadFrom(buf)
			if err != nil {
				return
			}
			if reply, err := answer(buf[:n], records); err == nil {
				_, _ = conn.WriteTo(reply, addr)
			}
		}
	}()
	return &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "udp", conn.LocalAddr().String())
	}}
}

func answer(query []byte, records map[string][]string) ([]byte, error) {
	var p dnsmessage.Parser
	h, err := p.Start(query)
	if err != nil {
		return nil, err
	}
	q, err := p.Question()
	if err != nil {
		return nil, err
	}
	texts := records[strings.TrimSuffix(q.Name.String(), ".")]
	rcode := dnsmessage.RCodeSuccess
	if texts == nil {
		rcode = dnsmessage.RCodeNameError
	}
	b := dnsmessage.NewBuilder(nil, dnsmessage.Header{ID: h.ID, Response: true, Authoritative: true, RCode: rcode})
	b.EnableCompression()
	if err := b.StartQuestions(); err != nil {
		return nil, err
	}
	if err := b.Question(q); err != nil {
		return nil, err
	}
	if err := b.StartAnswers(); err != nil {
		return nil, err
	}
	if q.Type == dnsmessage.TypeTXT {
		for _, txt := range texts {
			if err := b.TXTResource(dnsmessage.ResourceHeader{Name: q.Name, Class: dnsmessage.ClassINET, TTL: 60},
				dnsmessage.TXTResource{TXT: []string{txt}}); err != nil {
				return nil, err
			}
		}
	}
	return b.Finish()
}

func TestCheck(t *testing.T) {
	pages := map[string]string{}
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := pages[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		fmt.Fprint(w, body)
	}))
	defer site.Close()
	resolver := dnsServer(t, map[string][]string{
		"_herald-verify.localhost": {"v=spf1 -all", "herald-verify=" + token},
		"_herald-verify.127.0.0.1": {"herald-verify=someone-else"},
	})
	c := &Checker{Client: site.Client(), Resolver: resolver}
	tests := []struct {
		name    string
		pages   map[string]string
		site    string
		want    string
		problem string
	}{
		{name: "meta tag", pages: map[string]string{"/": `<html><head><meta name="herald-verify" content="` + token + `"></head></html>`}, site: site.URL, want: MethodMeta},
		{name: "well-known file", pages: map[string]string{"/.well-known/herald-verify": token + "\n"}, site: site.URL, want: MethodWellKnown},
		{name: "DNS TXT", site: strings.Replace(site.URL, "127.0.0.1", "localhost", 1), want: MethodDNS},
		{name: "another token everywhere", pages: map[string]string{"/": `<meta name="herald-verify" content="nope">`, "/.well-known/herald-verify": "nope"},
			site: site.URL, problem: "meta tag: no token; well-known file: no token; DNS TXT: no token"},
		{name: "nothing", site: site.URL, problem: "meta tag: HTTP 404"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			clear(pages)
			for k, v := range tc.pages {
				pages[k] = v
			}
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			method, err := c.Check(ctx, tc.site, token)
			if tc.want != "" {
				if err != nil || method != tc.want {
					t.Fatalf("Check = %q, %v; want %q", method, err, tc.want)
				}
				return
			}
			if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), tc.problem) {
				t.Fatalf("Check = %q, %v; want ErrNotFound saying %q", method, err, tc.problem)
			}
		})
	}
}

func TestInstructions(t *testing.T) {
	got := strings.Join(Instructions("https://www.example.org", token), "\n")
	for _, want := range []string{`<meta name="herald-verify" content="` + token + `">`, "https://www.example.org/.well-known/herald-verify",
		"_herald-verify.www.example.org with the value herald-verify=" + token} {
		if !strings.Contains(got, want) {
			t.Errorf("instructions lack %q:\n%s", want, got)
		}
	}
}
