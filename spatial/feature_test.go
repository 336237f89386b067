package spatial

import (
	"strconv"
	"testing"
)

// lessByParsing is the definition Less must keep: integers (as NumericID
// reads them) first in numeric order, then the rest in byte order.
func lessByParsing(a, b string) bool {
	na, oka := NumericID(a)
	nb, okb := NumericID(b)
	switch {
	case oka && okb:
		return na < nb
	case oka != okb:
		return oka
	}
	return a < b
}

func TestLessMatchesNumericOrder(t *testing.T) {
	ids := []string{"", "0", "00", "01", "1", "2", "9", "10", "11", "100", "+7", "-1", "7a", "a", "b", "ab",
		"18446744073709551614", "18446744073709551615", "18446744073709551616", "99999999999999999999",
		"184467440737095516150", "1844674407370955161", "Z", "é", "9 ", " 9"}
	for _, a := range ids {
		if canonicalUint(a) != func() bool { _, ok := NumericID(a); return ok }() {
			t.Errorf("canonicalUint(%q) disagrees with NumericID", a)
		}
		for _, b := range ids {
			if got, want := Less(a, b), lessByParsing(a, b); got != want {
				t.Errorf("Less(%q, %q) = %v, want %v", a, b, got, want)
			}
		}
	}
}

func FuzzLess(f *testing.F) {
	f.Add("10", "9")
	f.Add("18446744073709551615", "18446744073709551616")
	f.Add("0", "00")
	f.Fuzz(func(t *testing.T, a, b string) {
		if got, want := Less(a, b), lessByParsing(a, b); got != want {
			t.Fatalf("Less(%q, %q) = %v, want %v", a, b, got, want)
		}
	})
}

func BenchmarkLess(b *testing.B) {
	ids := make([]string, 1024)
	for i := range ids {
		ids[i] = strconv.Itoa(i * 7919)
	}
	b.ResetTimer()
	for i := range b.N {
		Less(ids[i&1023], ids[(i+1)&1023])
	}
}
