package config

import (
	"fmt"
	"net/netip"
)

// TrustedProxyPrefixes returns trusted_proxies as prefixes: an address
// alone is the prefix of just that address. Validate has checked them.
func (c *Config) TrustedProxyPrefixes() []netip.Prefix {
	var out []netip.Prefix
	for _, p := range c.TrustedProxies {
		if prefix, err := parseProxy(p); err == nil {
			out = append(out, prefix)
		}
	}
	return out
}

// validateTrustedProxies checks that each trusted proxy is an IP address
// or a CIDR prefix.
func (c *Config) validateTrustedProxies() error {
	for _, p := range c.TrustedProxies {
		if _, err := parseProxy(p); err != nil {
			return fmt.Errorf("trusted_proxies: %q is neither an IP address nor a CIDR prefix such as 172.30.80.0/24", p)
		}
	}
	return nil
}

func parseProxy(s string) (netip.Prefix, error) {
	if addr, err := netip.ParseAddr(s); err == nil {
		addr = addr.Unmap()
		return netip.PrefixFrom(addr, addr.BitLen()), nil
	}
	prefix, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	return netip.PrefixFrom(prefix.Addr().Unmap(), prefix.Bits()).Masked(), nil
}
