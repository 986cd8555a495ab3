package server

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// behindProxies returns next with the RemoteAddr of each request from a
// trusted reverse proxy (config trusted_proxies) set to the client the
// proxies name in X-Forwarded-For: the rightmost address there that is
// not itself a trusted proxy (each proxy appends the peer it saw, so
// what is left of the first untrusted one can be forged by the client).
// Rate limits, the inbox's per-address limits and logs then see the
// client, not the proxy. Requests from any other peer are left alone, as
// is a request whose X-Forwarded-For holds something other than
// addresses. Without trusted proxies, next is returned as it is.
func behindProxies(trusted []netip.Prefix, next http.Handler) http.Handler {
	if len(trusted) == 0 {
		return next
	}
	isTrusted := func(a netip.Addr) bool {
		for _, p := range trusted {
			if p.Contains(a.Unmap()) {
				return true
			}
		}
		return false
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if client, ok := forwardedClient(r, isTrusted); ok {
			r = r.Clone(r.Context())
			r.RemoteAddr = net.JoinHostPort(client.String(), "0")
		}
		next.ServeHTTP(w, r)
	})
}

// forwardedClient returns the client named by a trusted peer's
// X-Forwarded-For; ok is false when the peer is not trusted or the
// header names no usable address.
func forwardedClient(r *http.Request, isTrusted func(netip.Addr) bool) (client netip.Addr, ok bool) {
	peer, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil || !isTrusted(peer.Addr()) {
		return netip.Addr{}, false
	}
	var hops []string
	for _, v := range r.Header.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(v, ",")...)
	}
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			return netip.Addr{}, false
		}
		client, ok = a.Unmap(), true
		if !isTrusted(client) {
			return client, true
		}
	}
	return client, ok // every hop a trusted proxy: the first one
}
