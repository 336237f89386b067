package api

import (
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
)

// baseURL is scheme://host as the client sees it, for the absolute links in
// collections, items pages and TileJSON. In order of preference:
//
//   - Config.PublicURL, when set;
//   - from a peer inside Config.TrustedProxies only: the Forwarded header
//     (RFC 7239) or else X-Forwarded-Proto and X-Forwarded-Host, taking the
//     last (rightmost) value, which is the one the trusted proxy wrote;
//   - otherwise the Host header if it is a well-formed host[:port], or the
//     local address the connection came in on.
//
// Anyone else's X-Forwarded-* is ignored, so a client cannot point links
// (and cached TileJSON) at a host of its choosing.
func (s *Server) baseURL(r *Request, tls bool, local net.Addr) string {
	if s.cfg.PublicURL != "" {
		return s.cfg.PublicURL
	}
	scheme := "http"
	if tls {
		scheme = "https"
	}
	host := r.Header.Get("Host")
	if s.trustedProxy(r.RemoteIP) {
		proto, fhost := forwarded(r.Header.Values("Forwarded"))
		if proto == "" {
			proto = lastToken(r.Header.Values("X-Forwarded-Proto"))
		}
		if fhost == "" {
			fhost = lastToken(r.Header.Values("X-Forwarded-Host"))
		}
		if p := strings.ToLower(proto); p == "http" || p == "https" {
			scheme = p
		}
		if validHost(fhost) {
			host = fhost
		}
	}
	if !validHost(host) {
		host = "localhost"
		if local != nil && validHost(local.String()) {
			host = local.String()
		}
	}
	return scheme + "://" + host
}

func (s *Server) trustedProxy(ip netip.Addr) bool {
	if !ip.IsValid() {
		return false
	}
	for _, p := range s.cfg.TrustedProxies {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// ParseTrustedProxies reads CIDR prefixes or single addresses
// ("10.0.0.0/8", "127.0.0.1", "::1").
func ParseTrustedProxies(list []string) ([]netip.Prefix, error) {
	out := make([]netip.Prefix, 0, len(list))
	for _, s := range list {
		s = strings.TrimSpace(s)
		if p, err := netip.ParsePrefix(s); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(s)
		if err != nil {
			return nil, fmt.Errorf("api: trusted proxy %q is neither an address nor a CIDR prefix", s)
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

// ParsePublicURL checks a configured public URL (scheme://host[:port][/prefix])
// and returns it without a trailing slash.
func ParsePublicURL(s string) (string, error) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || !validHost(u.Host) ||
		u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", fmt.Errorf("api: public_url %q: want http(s)://host[:port][/path]", s)
	}
	return strings.TrimRight(s, "/"), nil
}

// lastToken returns the last comma-separated value across header lines.
func lastToken(values []string) string {
	if len(values) == 0 {
		return ""
	}
	v := values[len(values)-1]
	if i := strings.LastIndexByte(v, ','); i >= 0 {
		v = v[i+1:]
	}
	return strings.TrimSpace(v)
}

// forwarded reads proto and host from the last element of a Forwarded
// header: `for=1.2.3.4;proto=https;host="example.org"`.
func forwarded(values []string) (proto, host string) {
	last := lastToken(values)
	for pair := range strings.SplitSeq(last, ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(pair), "=")
		if !ok {
			continue
		}
		if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
			v = v[1 : len(v)-1]
		}
		switch strings.ToLower(k) {
		case "proto":
			proto = v
		case "host":
			host = v
		}
	}
	return proto, host
}

// validHost accepts a DNS name or IPv4 address, or a bracketed IPv6
// address, each with an optional port: nothing that could break out of a
// URL's authority (no '/', '@', '?', '#', spaces, quotes or controls).
func validHost(h string) bool {
	if h == "" || len(h) > 255 {
		return false
	}
	name, port := h, ""
	if h[0] == '[' {
		end := strings.IndexByte(h, ']')
		if end < 0 {
			return false
		}
		if a, err := netip.ParseAddr(h[1:end]); err != nil || !a.Is6() || a.Zone() != "" {
			return false // zones are local to a machine, and '%' is an escape in URLs
		}
		name, port = "", h[end+1:]
		if port != "" && port[0] != ':' {
			return false
		}
	} else if i := strings.LastIndexByte(h, ':'); i >= 0 {
		name, port = h[:i], h[i:]
	}
	if port != "" {
		n, err := strconv.Atoi(port[1:])
		if err != nil || n < 0 || n > 65535 || port[1] == '+' || port[1] == '-' {
			return false
		}
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_') {
			return false
		}
	}
	return h[0] == '[' || name != ""
}
