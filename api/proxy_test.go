package api

import (
	"net"
	"net/netip"
	"net/url"
	"strings"
	"testing"
)

func TestBaseURL(t *testing.T) {
	trusted, err := ParseTrustedProxies([]string{"10.0.0.0/8", "::1"})
	if err != nil {
		t.Fatal(err)
	}
	proxy, stranger := netip.MustParseAddr("10.1.2.3"), netip.MustParseAddr("203.0.113.9")
	local := &net.TCPAddr{IP: net.IPv4(192, 0, 2, 1), Port: 8080}
	tests := []struct {
		name   string
		from   netip.Addr
		tls    bool
		public string
		header []string
		want   string
	}{
		{"host", stranger, false, "", []string{"Host", "map.example.org"}, "http://map.example.org"},
		{"tls", stranger, true, "", []string{"Host", "map.example.org:8443"}, "https://map.example.org:8443"},
		{"forwarded from stranger ignored", stranger, false, "", []string{"Host", "a.example",
			"X-Forwarded-Host", "evil.example", "X-Forwarded-Proto", "https", "Forwarded", "host=evil.example"}, "http://a.example"},
		{"x-forwarded from proxy", proxy, false, "", []string{"Host", "internal:8080",
			"X-Forwarded-Host", "client-said.example, map.example.org", "X-Forwarded-Proto", "https"}, "https://map.example.org"},
		{"forwarded from proxy", proxy, false, "", []string{"Host", "internal",
			"Forwarded", `for=1.2.3.4;proto=http, for=5.6.7.8;host="map.example.org";proto=https`}, "https://map.example.org"},
		{"bad forwarded host from proxy", proxy, false, "", []string{"Host", "internal",
			"X-Forwarded-Host", "evil.example/path?", "X-Forwarded-Proto", "javascript"}, "http://internal"},
		{"invalid host falls back to local address", stranger, false, "", []string{"Host", "a b@c"}, "http://192.0.2.1:8080"},
		{"public url wins", proxy, false, "https://maps.gov.vn/bando", []string{"Host", "x",
			"X-Forwarded-Host", "y"}, "https://maps.gov.vn/bando"},
		{"ipv6 host", stranger, false, "", []string{"Host", "[::1]:8080"}, "http://[::1]:8080"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &Server{cfg: Config{TrustedProxies: trusted, PublicURL: tt.public}}
			r := NewRequest("GET", "/", nil)
			r.RemoteIP = tt.from
			for i := 0; i+1 < len(tt.header); i += 2 {
				r.Header.Set(tt.header[i], tt.header[i+1])
			}
			if got := s.baseURL(r, tt.tls, local); got != tt.want {
				t.Fatalf("baseURL %q, want %q", got, tt.want)
			}
		})
	}
}

func TestParseConfigValues(t *testing.T) {
	if _, err := ParseTrustedProxies([]string{"10.0.0.0/33"}); err == nil {
		t.Error("bad prefix accepted")
	}
	if p, err := ParseTrustedProxies([]string{"127.0.0.1", "10.1.2.3/8"}); err != nil || p[1].String() != "10.0.0.0/8" || !p[0].Contains(netip.MustParseAddr("127.0.0.1")) {
		t.Errorf("%v %v", p, err)
	}
	for _, bad := range []string{"ftp://x", "https://", "https://a b", "https://x?y=1", "https://u@x"} {
		if _, err := ParsePublicURL(bad); err == nil {
			t.Errorf("public_url %q accepted", bad)
		}
	}
	if u, err := ParsePublicURL("https://maps.example.org/bando/"); err != nil || u != "https://maps.example.org/bando" {
		t.Errorf("%q %v", u, err)
	}
}

// FuzzValidHost: whatever validHost accepts, put in a URL, parses back to
// the same host with no path, user, query or fragment smuggled in.
func FuzzValidHost(f *testing.F) {
	for _, s := range []string{"a.example", "[::1]:80", "1.2.3.4:65535", "a:b", "x/y", "evil.example#", "[fe80::1%25eth0]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		if !validHost(h) {
			return
		}
		u, err := url.Parse("http://" + h + "/p")
		if err != nil {
			t.Fatalf("%q accepted but %v", h, err)
		}
		if u.Host != h || u.Path != "/p" || u.User != nil || u.RawQuery != "" || u.Fragment != "" || strings.ContainsAny(h, "\"<> \\") {
			t.Fatalf("%q accepted but parses as %#v", h, u)
		}
	})
}

func FuzzForwarded(f *testing.F) {
	f.Add(`for=1.2.3.4;proto=https;host="a.example", for=5.6.7.8;host=b`)
	f.Add(`host=""`)
	f.Fuzz(func(t *testing.T, v string) {
		proto, host := forwarded([]string{v})
		if len(proto) > len(v) || len(host) > len(v) {
			t.Fatal("output longer than input")
		}
	})
}
