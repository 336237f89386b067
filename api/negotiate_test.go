package api

import (
	"testing"
)

func TestAcceptEncoding(t *testing.T) {
	tests := []struct {
		header          string
		gzip, br, ident bool
		choose          string
	}{
		{"", false, false, true, ""},
		{"gzip", true, false, true, "gzip"},
		{"gzip;q=0", false, false, true, ""},
		{"gzip; q=0.000", false, false, true, ""},
		{"GZIP;Q=0.5", true, false, true, "gzip"},
		{"x-gzip", true, false, true, "gzip"},
		{"gzip, deflate, br", true, true, true, "br"},
		{"gzip, deflate, br, zstd", true, true, true, "br"},
		{"br;q=0.5, gzip", true, true, true, "gzip"},
		{"gzip;q=0.5, br;q=0.4", true, true, true, "gzip"},
		{"*", true, true, true, "br"},
		{"*;q=0", false, false, false, ""},
		{"*;q=0, identity", false, false, true, ""},
		{"*, gzip;q=0", false, true, true, "br"},
		{"identity", false, false, true, ""},
		{"identity;q=0", false, false, false, ""},
		{"gzip;q=2", false, false, true, ""},      // malformed q: item ignored
		{"gzip;q=0.5000", false, false, true, ""}, // too many digits
		{"gzip;q=abc, br", false, true, true, "br"},
		{"deflate", false, false, true, ""},
		{"gzipx, brr", false, false, true, ""},
		{"gzip;level=1;q=1.000", true, false, true, "gzip"},
		{" , ,gzip", true, false, true, "gzip"},
	}
	for _, tt := range tests {
		r := NewRequest("GET", "/", nil)
		r.Header.Set("Accept-Encoding", tt.header)
		if got := acceptsEncoding(r, "gzip"); got != tt.gzip {
			t.Errorf("%q: gzip %v, want %v", tt.header, got, tt.gzip)
		}
		if got := acceptsEncoding(r, "br"); got != tt.br {
			t.Errorf("%q: br %v, want %v", tt.header, got, tt.br)
		}
		if got := acceptsEncoding(r, "identity"); got != tt.ident {
			t.Errorf("%q: identity %v, want %v", tt.header, got, tt.ident)
		}
		if got := chooseEncoding(r, encBrotli, encGzip); got != tt.choose {
			t.Errorf("%q: chose %q, want %q", tt.header, got, tt.choose)
		}
	}
}

func FuzzAcceptEncoding(f *testing.F) {
	for _, s := range []string{"gzip;q=0", "*;q=0.5, br", "identity;q=0,*", "gzip;q=1.000;x=\"y\""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		for _, enc := range []string{"gzip", "br", "identity"} {
			q := encodingQ(h, enc)
			if q < 0 || q > 1000 {
				t.Fatalf("%q %s: q %d out of range", h, enc, q)
			}
		}
		r := NewRequest("GET", "/", nil)
		r.Header.Set("Accept-Encoding", h)
		if c := chooseEncoding(r, encBrotli, encGzip); c != "" && !acceptsEncoding(r, c) {
			t.Fatalf("%q: chose %q which it does not accept", h, c)
		}
	})
}

func BenchmarkAcceptsEncoding(b *testing.B) {
	r := NewRequest("GET", "/", nil)
	r.Header.Set("Accept-Encoding", "gzip, deflate, br, zstd")
	b.ReportAllocs()
	for b.Loop() {
		if !acceptsEncoding(r, "gzip") {
			b.Fatal("gzip refused")
		}
	}
}
