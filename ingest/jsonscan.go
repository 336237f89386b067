package ingest

import (
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// scanner is a small strict JSON reader over a byte slice, shaped for the
// GeoJSON feature: it decodes the members Prepare needs straight into typed
// values and skips the rest, where encoding/json would build maps of
// interfaces. It accepts the JSON that encoding/json accepts (RFC 8259)
// within two limits, nesting depth and string length, and reports syntax
// errors and exceeded limits by panicking with a syntaxError that the
// caller recovers. Invalid UTF-8 in a string (and a lone surrogate escape)
// reads as U+FFFD, as in encoding/json, but its offset is kept in bad so
// the caller can refuse the value: two ids that differ only in invalid
// bytes must not collide.
type scanner struct {
	data []byte
	pos  int
	buf  []byte // unescaped string scratch
	// maxDepth and maxStr are the nesting and string-length limits; 0
	// means the defaults.
	maxDepth, maxStr int
	// maxArray and maxObject, when positive, bound the elements of an
	// array and the members of an object read by skip (the Overpass
	// pre-check).
	maxArray, maxObject int
	// bad is 1 + the offset of the first invalid UTF-8 seen since it was
	// last cleared, 0 if none.
	bad int
}

// hardMaxDepth bounds nesting whatever the limits say, as encoding/json
// does, so that recursion stays shallow.
const hardMaxDepth = 10000

type syntaxError struct {
	off  int
	msg  string
	rule string // RuleJSON when empty; RuleTooLarge for an exceeded limit
}

func (e syntaxError) Error() string { return e.msg }

// problemRule is the rule a syntax error is reported under.
func (e syntaxError) problemRule() string {
	if e.rule == "" {
		return RuleJSON
	}
	return e.rule
}

func (s *scanner) fail(msg string) {
	panic(syntaxError{off: s.pos, msg: msg})
}

// failLimit reports an exceeded limit; it refuses the input with rule
// too-large.
func (s *scanner) failLimit(msg string) {
	panic(syntaxError{off: s.pos, msg: msg, rule: RuleTooLarge})
}

func (s *scanner) depthLimit() int {
	if s.maxDepth > 0 {
		return min(s.maxDepth, hardMaxDepth)
	}
	return min(DefaultLimits.MaxDepth, hardMaxDepth)
}

// checkStr refuses a string of n bytes when it is over the limit.
func (s *scanner) checkStr(n int) { s.checkLen(n, "string") }

// checkLen refuses a string or number of n bytes when it is over the
// limit.
func (s *scanner) checkLen(n int, what string) {
	lim := s.maxStr
	if lim == 0 {
		lim = DefaultLimits.MaxFieldBytes
	}
	if n > lim {
		s.failLimit("a JSON " + what + " of " + byteSize(int64(n)) + " is longer than the limit of " + byteSize(int64(lim)))
	}
}

// markBad records invalid text at offset off, if none is recorded yet.
func (s *scanner) markBad(off int) {
	if s.bad == 0 {
		s.bad = off + 1
	}
}

func (s *scanner) ws() {
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

// atEnd skips whitespace and reports whether the input is exhausted.
func (s *scanner) atEnd() bool {
	s.ws()
	return s.pos >= len(s.data)
}

// peek skips whitespace and returns the next byte, 0 at the end (a NUL
// byte in the input, never valid JSON outside strings, also gives 0).
func (s *scanner) peek() byte {
	s.ws()
	if s.pos >= len(s.data) {
		return 0
	}
	return s.data[s.pos]
}

func (s *scanner) expect(c byte) {
	if s.peek() != c {
		s.unexpected("'" + string(c) + "'")
	}
	s.pos++
}

func (s *scanner) unexpected(want string) {
	if s.pos >= len(s.data) {
		s.fail("unexpected end of input, want " + want)
	}
	s.fail("unexpected " + strconv.QuoteRune(rune(s.data[s.pos])) + ", want " + want)
}

// more is called after '[' or '{' and after each element: it consumes a
// ',' or the closing byte and reports whether another element follows.
func (s *scanner) more(first *bool, close byte) bool {
	c := s.peek()
	if c == close && *first {
		s.pos++
		return false
	}
	if *first {
		*first = false
		return true
	}
	if c == close {
		s.pos++
		return false
	}
	if c != ',' {
		s.unexpected("',' or '" + string(close) + "'")
	}
	s.pos++
	if s.peek() == close {
		s.fail("trailing comma")
	}
	return true
}

// key reads an object key and the ':' after it.
func (s *scanner) key() []byte {
	if s.peek() != '"' {
		s.unexpected("object key")
	}
	k := s.str()
	s.expect(':')
	return k
}

// str reads a string at pos. The result aliases data when the string needs
// no unescaping, else the scratch buffer: copy it before the next call.
func (s *scanner) str() []byte {
	s.pos++ // opening quote
	start := s.pos
	d := s.data
	for i := start; i < len(d); {
		c := d[i]
		switch {
		case c == '"':
			s.pos = i + 1
			s.checkStr(i - start)
			return d[start:i]
		case c == '\\' || c < 0x20:
			return s.strSlow(start, i)
		case c < utf8.RuneSelf:
			i++
		default:
			r, n := utf8.DecodeRune(d[i:])
			if r == utf8.RuneError && n == 1 {
				return s.strSlow(start, i)
			}
			i += n
		}
	}
	s.pos = len(d)
	s.fail("unterminated string")
	return nil
}

func (s *scanner) strSlow(start, i int) []byte {
	d := s.data
	b := append(s.buf[:0], d[start:i]...)
	for i < len(d) {
		c := d[i]
		switch {
		case c == '"':
			s.pos = i + 1
			s.buf = b
			s.checkStr(len(b))
			return b
		case c < 0x20:
			s.pos = i
			s.fail("control character in string")
		case c == '\\':
			if i+1 >= len(d) {
				s.pos = len(d)
				s.fail("unterminated string")
			}
			i++
			switch e := d[i]; e {
			case '"', '\\', '/':
				b = append(b, e)
			case 'b':
				b = append(b, '\b')
			case 'f':
				b = append(b, '\f')
			case 'n':
				b = append(b, '\n')
			case 'r':
				b = append(b, '\r')
			case 't':
				b = append(b, '\t')
			case 'u':
				r, ok := hex4(d, i+1)
				if !ok {
					s.pos = i
					s.fail("bad \\u escape in string")
				}
				esc := i - 1
				i += 4
				if utf16.IsSurrogate(r) {
					r2, ok2 := rune(0), false
					if i+2 < len(d) && d[i+1] == '\\' && d[i+2] == 'u' {
						r2, ok2 = hex4(d, i+3)
					}
					if dec := utf16.DecodeRune(r, r2); ok2 && dec != utf8.RuneError {
						r = dec
						i += 6
					} else {
						r = utf8.RuneError
						s.markBad(esc)
					}
				}
				b = utf8.AppendRune(b, r)
			default:
				s.pos = i
				s.fail("bad escape in string")
			}
			i++
		case c < utf8.RuneSelf:
			b = append(b, c)
			i++
		default:
			r, n := utf8.DecodeRune(d[i:])
			if r == utf8.RuneError && n == 1 {
				b = append(b, "\uFFFD"...)
				s.markBad(i)
			} else {
				b = append(b, d[i:i+n]...)
			}
			i += n
		}
	}
	s.pos = len(d)
	s.fail("unterminated string")
	return nil
}

func hex4(d []byte, i int) (rune, bool) {
	if i+4 > len(d) {
		return 0, false
	}
	var r rune
	for _, c := range d[i : i+4] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}

// number is a JSON number: its text, its value, and whether the text is an
// integer literal (no fraction, no exponent).
type number struct {
	raw    []byte
	val    float64
	intLit bool
}

var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// num reads a number at pos. Values with at most 15 significant digits and
// a small exponent are computed exactly with one multiplication or division
// (Clinger's fast path); others go through strconv.ParseFloat. Overflow
// gives ±Inf, left for the validator to refuse.
func (s *scanner) num() number {
	d := s.data
	i := s.pos
	start := i
	neg := false
	if i < len(d) && d[i] == '-' {
		neg = true
		i++
	}
	var mant uint64
	digits, exp := 0, 0
	intLit := true
	switch {
	case i < len(d) && d[i] == '0':
		i++
	case i < len(d) && d[i] >= '1' && d[i] <= '9':
		for ; i < len(d) && d[i] >= '0' && d[i] <= '9'; i++ {
			if digits < 19 {
				mant = mant*10 + uint64(d[i]-'0')
				digits++
			} else {
				exp++
			}
		}
	default:
		s.pos = i
		s.unexpected("digit")
	}
	if i < len(d) && d[i] == '.' {
		intLit = false
		i++
		if i >= len(d) || d[i] < '0' || d[i] > '9' {
			s.pos = i
			s.unexpected("digit after '.'")
		}
		for ; i < len(d) && d[i] >= '0' && d[i] <= '9'; i++ {
			switch {
			case digits >= 19: // beyond float64 precision: ParseFloat decides
			case mant == 0 && d[i] == '0':
				exp-- // leading zeros of a fraction are not significant
			default:
				mant = mant*10 + uint64(d[i]-'0')
				digits++
				exp--
			}
		}
	}
	e10 := 0
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		intLit = false
		i++
		eneg := false
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			eneg = d[i] == '-'
			i++
		}
		if i >= len(d) || d[i] < '0' || d[i] > '9' {
			s.pos = i
			s.unexpected("digit in exponent")
		}
		for ; i < len(d) && d[i] >= '0' && d[i] <= '9'; i++ {
			if e10 < 100000 {
				e10 = e10*10 + int(d[i]-'0')
			}
		}
		if eneg {
			e10 = -e10
		}
	}
	s.pos = i
	s.checkLen(i-start, "number")
	raw := d[start:i]
	exp += e10
	var v float64
	switch {
	case mant == 0:
		v = 0
	case digits <= 15 && exp >= 0 && exp <= 22:
		v = float64(mant) * pow10[exp]
	case digits <= 15 && exp < 0 && exp >= -22:
		v = float64(mant) / pow10[-exp]
	default:
		// The syntax is checked above, so the only error is ErrRange, and
		// f is then ±Inf (overflow) or ±0 (underflow).
		f, _ := strconv.ParseFloat(string(raw), 64)
		return number{raw: raw, val: f, intLit: intLit}
	}
	if neg {
		v = -v
	}
	return number{raw: raw, val: v, intLit: intLit}
}

// literal reads true, false or null.
func (s *scanner) literal(word string) {
	if len(s.data)-s.pos < len(word) || string(s.data[s.pos:s.pos+len(word)]) != word {
		s.unexpected(word)
	}
	s.pos += len(word)
}

// skip reads and discards one value.
func (s *scanner) skip(depth int) {
	if depth > s.depthLimit() {
		s.failLimit("JSON nested more than " + strconv.Itoa(s.depthLimit()) + " deep (the limit)")
	}
	switch s.peek() {
	case '"':
		s.str()
	case '{':
		s.pos++
		first := true
		for n := 0; s.more(&first, '}'); n++ {
			if s.maxObject > 0 && n >= s.maxObject {
				s.failLimit("a JSON object with more than " + strconv.Itoa(s.maxObject) + " members (the limit)")
			}
			s.key()
			s.skip(depth + 1)
		}
	case '[':
		s.pos++
		first := true
		for n := 0; s.more(&first, ']'); n++ {
			if s.maxArray > 0 && n >= s.maxArray {
				s.failLimit("a JSON array with more than " + strconv.Itoa(s.maxArray) + " elements (the limit)")
			}
			s.skip(depth + 1)
		}
	case 't':
		s.literal("true")
	case 'f':
		s.literal("false")
	case 'n':
		s.literal("null")
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		s.num()
	default:
		s.unexpected("value")
	}
}
