package ingest

import (
	"testing"
	"unicode/utf8"

	"github.com/paulmach/orb"
)

func utf8Valid(s string) bool { return utf8.ValidString(s) }

func flattenAny(g orb.Geometry) []orb.Point {
	if c, ok := g.(orb.Collection); ok {
		var out []orb.Point
		for _, m := range c {
			out = append(out, flattenAny(m)...)
		}
		return out
	}
	return flatten(g)
}

// TestLegacyVietnamese decodes real place names written in TCVN3 (ABC
// fonts, bytes as GDAL's iconv TCVN5712-1 writes them) and VNI-Windows.
func TestLegacyVietnamese(t *testing.T) {
	cases := []struct {
		enc  string
		in   []byte
		want string
	}{
		{EncTCVN3, []byte("Ph\xf3 H\xdfa \xa7\xabng"), "Phú Hòa Đông"},
		{EncTCVN3, []byte("B\xb6o Th\xbeng"), "Bảo Thắng"},
		{EncTCVN3, []byte("M\xad\xeang Kh\xad\xacng"), "Mường Khương"},
		{EncVNI, []byte("Phu\xf9 Ho\xf8a \xd1o\xe2ng"), "Phú Hòa Đông"},
		{EncVNI, []byte("Xin cha\xf8o ca\xf9c ba\xefn"), "Xin chào các bạn"},
		{EncVNI, []byte("Th\xf6\xf9a \xf1a\xe1t"), "Thứa đất"},
		{EncVNI, []byte("\xd1A\xc9K L\xc6K"), "ĐẮK LỈK"},
		{EncCP1258, []byte("Ph\xfa Ho\xcca \xd0\xf4ng"), "Phú Hòa Đông"},
	}
	for _, tc := range cases {
		if got := decoderFor(tc.enc)(tc.in); got != tc.want {
			t.Errorf("%s %q: %q, want %q", tc.enc, tc.in, got, tc.want)
		}
		if tc.enc != EncCP1258 {
			if got := detectEncoding(tc.in); got != tc.enc {
				t.Errorf("detect %q: %s, want %s", tc.in, got, tc.enc)
			}
		}
	}
}
