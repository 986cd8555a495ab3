package server

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"

	"herald/ratelimit"
)

// proxyCases: who the rate limits see, behind the trusted proxies
// 172.30.80.10 and 10.0.0.0/8.
var proxyCases = []struct {
	name string
	peer string
	xff  []string
	want string
}{
	{"the proxy's client", "172.30.80.10:4711", []string{"203.0.113.7"}, "203.0.113.7"},
	{"a forged entry left of it", "172.30.80.10:4711", []string{"198.51.100.1, 203.0.113.7"}, "203.0.113.7"},
	{"a chain of trusted proxies", "172.30.80.10:4711", []string{"203.0.113.7, 10.1.2.3"}, "203.0.113.7"},
	{"header lines", "172.30.80.10:4711", []string{"198.51.100.1", "203.0.113.7"}, "203.0.113.7"},
	{"IPv6", "172.30.80.10:4711", []string{"2001:db8::7"}, "2001:db8::7"},
	{"every hop trusted", "172.30.80.10:4711", []string{"10.9.9.9, 10.1.2.3"}, "10.9.9.9"},
	{"an untrusted peer", "203.0.113.9:4711", []string{"1.2.3.4"}, "203.0.113.9"},
	{"no header", "172.30.80.10:4711", nil, "172.30.80.10"},
	{"garbage", "172.30.80.10:4711", []string{"203.0.113.7, not-an-address"}, "172.30.80.10"},
}

func TestBehindProxies(t *testing.T) {
	trusted := []netip.Prefix{netip.MustParsePrefix("172.30.80.10/32"), netip.MustParsePrefix("10.0.0.0/8")}
	var seen string
	h := behindProxies(trusted, http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { seen = ratelimit.ClientIP(r) }))
	for _, c := range proxyCases {
		r := httptest.NewRequest("GET", "/healthz", nil)
		r.RemoteAddr = c.peer
		for _, v := range c.xff {
			r.Header.Add("X-Forwarded-For", v)
		}
		h.ServeHTTP(httptest.NewRecorder(), r)
		if seen != c.want {
			t.Errorf("%s: client %s, want %s", c.name, seen, c.want)
		}
	}
}
