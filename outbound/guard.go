package outbound

import (
	"context"
	"fmt"
	"net/netip"
	"syscall"
)

// IsPublicIP reports whether ip is an address Herald may contact when private
// addresses are not allowed. It rejects the unspecified, loopback, private
// (RFC 1918, fc00::/7), link-local (169.254.0.0/16, fe80::/10), multicast and
// CGNAT (100.64.0.0/10, RFC 6598) ranges, the other IANA special-purpose ranges
// that never name a public host (RFC 6890: "this network", documentation,
// benchmarking, reserved, IPv4-compatible, 6to4 and Teredo), and IPv4-mapped
// (::ffff:a.b.c.d) and NAT64 (64:ff9b::/96, RFC 6052) forms of any of these.
func IsPublicIP(ip netip.Addr) bool {
	ip = ip.Unmap()
	if !ip.IsValid() || ip.Zone() != "" {
		return false
	}
	if ip.IsUnspecified() || ip.IsLoopback() || ip.IsPrivate() ||
		ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsInterfaceLocalMulticast() || ip.IsMulticast() {
		return false
	}
	// The last 32 bits of a NAT64 address (RFC 6052) are the IPv4 address the
	// translator will contact, which decides whether the whole is public.
	if netip.MustParsePrefix("64:ff9b::/96").Contains(ip) {
		b := ip.As16()
		return IsPublicIP(netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]}))
	}
	for _, p := range reservedPrefixes() {
		if p.Contains(ip) {
			return false
		}
	}
	return true
}

// reservedPrefixes returns the special-purpose ranges (RFC 6890 and its
// updates) that the netip predicates do not already cover. It builds a fresh
// slice on each call so the list cannot be changed by anyone else.
func reservedPrefixes() []netip.Prefix {
	return []netip.Prefix{
		netip.MustParsePrefix("0.0.0.0/8"),       // "this network" (RFC 791)
		netip.MustParsePrefix("100.64.0.0/10"),   // CGNAT shared space (RFC 6598)
		netip.MustParsePrefix("192.0.0.0/24"),    // IETF protocol assignments
		netip.MustParsePrefix("192.0.2.0/24"),    // TEST-NET-1 (RFC 5737)
		netip.MustParsePrefix("198.18.0.0/15"),   // benchmarking (RFC 2544)
		netip.MustParsePrefix("198.51.100.0/24"), // TEST-NET-2
		netip.MustParsePrefix("203.0.113.0/24"),  // TEST-NET-3
		netip.MustParsePrefix("240.0.0.0/4"),     // reserved, incl. broadcast
		netip.MustParsePrefix("::/96"),           // IPv4-compatible (deprecated)
		netip.MustParsePrefix("100::/64"),        // discard-only (RFC 6666)
		netip.MustParsePrefix("2001::/32"),       // Teredo
		netip.MustParsePrefix("2001:db8::/32"),   // documentation (RFC 3849)
		netip.MustParsePrefix("2002::/16"),       // 6to4 (RFC 7526)
	}
}

// refuseFunc reports whether the dialer must not connect to addr.
type refuseFunc func(addr netip.AddrPort) bool

// refuseNonPublic is the production policy: refuse every address that
// IsPublicIP rejects.
func refuseNonPublic(addr netip.AddrPort) bool {
	return !IsPublicIP(addr.Addr())
}

// dialControl returns a net.Dialer.ControlContext hook that checks the
// resolved address of every connection attempt, after DNS and before connect,
// so DNS rebinding and redirects to private hosts are caught as well as
// literal addresses. An address it cannot parse is refused.
func dialControl(refuse refuseFunc) func(ctx context.Context, network, address string, c syscall.RawConn) error {
	return func(_ context.Context, _, address string, _ syscall.RawConn) error {
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return fmt.Errorf("%w: unparsable address %q", ErrPrivateAddress, address)
		}
		if refuse(ap) {
			return ErrPrivateAddress
		}
		return nil
	}
}
