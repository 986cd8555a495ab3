package outbound

import (
	"context"
	"errors"
	"net/netip"
	"testing"
)

func TestIsPublicIP(t *testing.T) {
	tests := []struct {
		name string
		ip   string
		want bool
	}{
		{"ipv4 loopback", "127.0.0.1", false},
		{"ipv4 loopback range", "127.255.0.7", false},
		{"ipv6 loopback", "::1", false},
		{"rfc1918 10/8", "10.1.2.3", false},
		{"rfc1918 172.16/12", "172.16.0.1", false},
		{"rfc1918 172.31", "172.31.255.254", false},
		{"rfc1918 192.168/16", "192.168.1.1", false},
		{"cloud metadata link-local", "169.254.169.254", false},
		{"ipv6 link-local", "fe80::1", false},
		{"ipv6 unique local", "fc00::1", false},
		{"ipv6 unique local fd", "fd12:3456::1", false},
		{"ipv4 unspecified", "0.0.0.0", false},
		{"this network", "0.1.2.3", false},
		{"ipv6 unspecified", "::", false},
		{"cgnat", "100.64.0.1", false},
		{"cgnat top", "100.127.255.255", false},
		{"ipv4-mapped loopback", "::ffff:127.0.0.1", false},
		{"ipv4-mapped private", "::ffff:10.0.0.1", false},
		{"ipv4 multicast", "224.0.0.1", false},
		{"ipv6 multicast", "ff02::1", false},
		{"broadcast", "255.255.255.255", false},
		{"documentation v4", "192.0.2.10", false},
		{"documentation v6", "2001:db8::1", false},
		{"benchmarking", "198.18.0.1", false},
		{"nat64 of loopback", "64:ff9b::7f00:1", false},
		{"ipv4-compatible loopback", "::127.0.0.1", false},
		{"6to4", "2002:7f00:1::1", false},
		{"zero value", "", false},
		{"google dns", "8.8.8.8", true},
		{"google dns v6", "2001:4860:4860::8888", true},
		{"cloudflare dns", "1.1.1.1", true},
		{"ipv4-mapped public", "::ffff:8.8.8.8", true},
		{"nat64 of public", "64:ff9b::808:808", true},
		{"just below cgnat", "100.63.255.255", true},
		{"just above 172.16/12", "172.32.0.1", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ip netip.Addr
			if tt.ip != "" {
				ip = netip.MustParseAddr(tt.ip)
			}
			if got := IsPublicIP(ip); got != tt.want {
				t.Errorf("IsPublicIP(%s) = %v, want %v", tt.ip, got, tt.want)
			}
		})
	}
}

func TestDialControl(t *testing.T) {
	control := dialControl(refuseNonPublic)
	tests := []struct {
		name    string
		address string
		refused bool
	}{
		{"public v4", "8.8.8.8:443", false},
		{"public v6", "[2001:4860:4860::8888]:443", false},
		{"loopback", "127.0.0.1:80", true},
		{"mapped loopback", "[::ffff:127.0.0.1]:80", true},
		{"zoned link-local", "[fe80::1%eth0]:80", true},
		{"unparsable", "localhost:80", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := control(context.Background(), "tcp", tt.address, nil)
			if got := errors.Is(err, ErrPrivateAddress); got != tt.refused {
				t.Errorf("control(%s) = %v, want refused=%v", tt.address, err, tt.refused)
			}
		})
	}
}
