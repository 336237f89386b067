package gen

import "testing"

func TestAppendFixed(t *testing.T) {
	tests := []struct {
		v    int64
		d    int
		want string
	}{
		{106712345, 6, "106.712345"},
		{106700000, 6, "106.7"},
		{106000000, 6, "106"},
		{10000001, 6, "10.000001"},
		{-1500000, 6, "-1.5"},
		{-5, 6, "-0.000005"},
		{0, 6, "0"},
		{1234, 1, "123.4"},
		{1110, 1, "111"},
		{7, 0, "7"},
	}
	for _, tt := range tests {
		if got := string(appendFixed([]byte("x"), tt.v, tt.d)); got != "x"+tt.want {
			t.Errorf("appendFixed(%d, %d) = %q, want %q", tt.v, tt.d, got, "x"+tt.want)
		}
	}
}

func BenchmarkAppendFixed(b *testing.B) {
	buf := make([]byte, 0, 64)
	b.ReportAllocs()
	for b.Loop() {
		buf = appendFixed(buf[:0], 106712345, 6)
	}
}
