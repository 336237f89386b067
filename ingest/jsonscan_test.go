package ingest

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
)

// scanValid reports whether the scanner accepts data as one JSON value.
func scanValid(data []byte) (ok bool) {
	defer func() {
		if r := recover(); r != nil {
			if _, isSyntax := r.(syntaxError); !isSyntax {
				panic(r)
			}
			ok = false
		}
	}()
	// encoding/json's own limit on nesting, no limit on strings.
	sc := &scanner{data: data, maxDepth: hardMaxDepth, maxStr: unlimited}
	sc.skip(1)
	return sc.atEnd()
}

func TestScannerAgreesWithEncodingJSON(t *testing.T) {
	for _, s := range scannerSeeds {
		if got, want := scanValid([]byte(s)), json.Valid([]byte(s)); got != want {
			t.Errorf("%q: scanner valid=%v, encoding/json valid=%v", s, got, want)
		}
	}
}

var scannerSeeds = []string{
	`{}`, `[]`, `""`, `0`, `-0`, `1.5e-3`, `1E+2`, `true`, `false`, `null`,
	`{"a":[1,2,{"b":null}]}`, `"\u00e9\ud83d\ude00\n\t\"\\\/"`, `"\ud800"`, `"\udc00\ud800x"`,
	"\"\xff\xfe\"", `01`, `1.`, `.5`, `+1`, `-`, `1e`, `[1,]`, `{"a":1,}`, `{"a"}`, `{1:2}`,
	`[1 2]`, `"a`, "\"\x01\"", `"\x"`, `"\u12"`, `tru`, `nul`, ` [ 1 , 2 ] `, `[`, `]`, `{"a":1}}`,
	`1e999`, `123456789012345678901234567890`, `0.000000000000000000000000000001`,
}

func TestScannerStrings(t *testing.T) {
	for _, s := range []string{`"plain"`, `"Nguyễn"`, `"a\"b"`, `"\u00e9"`, `"\ud83d\ude00"`, `"\ud800"`, `"\ud800\u0041"`, "\"\xff\"", `"\/"`} {
		var want string
		if err := json.Unmarshal([]byte(s), &want); err != nil {
			t.Fatal(err)
		}
		sc := &scanner{data: []byte(s)}
		if got := string(sc.str()); got != want {
			t.Errorf("%s: got %q, want %q", s, got, want)
		}
	}
}

// TestScannerNumbers: the fast path gives exactly what strconv gives.
func TestScannerNumbers(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	check := func(s string) {
		t.Helper()
		want, _ := strconv.ParseFloat(s, 64)
		sc := &scanner{data: []byte(s)}
		got := sc.num()
		if math.Float64bits(got.val) != math.Float64bits(want) || sc.pos != len(s) {
			t.Fatalf("%s: got %v (pos %d), want %v", s, got.val, sc.pos, want)
		}
	}
	for _, s := range []string{"0", "-0", "106.7097014", "10.7711099", "-180", "1e22", "1e23", "9007199254740993",
		"0.1", "123456789012345", "1234567890123456", "4.9e-324", "1.7976931348623157e308", "1e-400", "1e400", "0.000123"} {
		check(s)
	}
	for range 200000 {
		v := (rng.Float64()*360 - 180)
		check(strconv.FormatFloat(v, 'f', rng.IntN(16), 64))
		check(strconv.FormatFloat(v*math.Pow(10, float64(rng.IntN(40)-20)), 'g', -1, 64))
	}
}
