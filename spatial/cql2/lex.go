package cql2

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

type tokKind int

const (
	tEOF tokKind = iota
	tIdent
	tQuoted // "double-quoted identifier"
	tString
	tNumber
	tPunct // ( ) , = <> < <= > >=
)

type token struct {
	kind tokKind
	text string
	pos  int
}

// lex splits CQL2 text into tokens. Keywords are identifiers, matched
// without case by the parser.
func lex(s string) ([]token, error) {
	var out []token
	for i := 0; i < len(s); {
		r, w := utf8.DecodeRuneInString(s[i:])
		switch {
		case unicode.IsSpace(r):
			i += w
		case r == '\'':
			str, n, err := quoted(s[i:], '\'')
			if err != nil {
				return nil, errorf("at %d: %v", i, err.Error())
			}
			out = append(out, token{tString, str, i})
			i += n
		case r == '"':
			str, n, err := quoted(s[i:], '"')
			if err != nil {
				return nil, errorf("at %d: %v", i, err.Error())
			}
			out = append(out, token{tQuoted, str, i})
			i += n
		case r >= '0' && r <= '9' || (r == '-' || r == '+' || r == '.') && i+1 < len(s) && (isDigit(s[i+1]) || s[i+1] == '.'):
			n := numberLen(s[i:])
			out = append(out, token{tNumber, s[i : i+n], i})
			i += n
		case r == '_' || unicode.IsLetter(r):
			j := i + w
			for j < len(s) {
				r2, w2 := utf8.DecodeRuneInString(s[j:])
				if r2 != '_' && r2 != ':' && r2 != '.' && !unicode.IsLetter(r2) && !unicode.IsDigit(r2) {
					break
				}
				j += w2
			}
			out = append(out, token{tIdent, s[i:j], i})
			i = j
		case strings.ContainsRune("(),=", r):
			out = append(out, token{tPunct, string(r), i})
			i++
		case r == '<' || r == '>':
			n := 1
			if i+1 < len(s) && (s[i+1] == '=' || r == '<' && s[i+1] == '>') {
				n = 2
			}
			out = append(out, token{tPunct, s[i : i+n], i})
			i += n
		default:
			return nil, errorf("at %d: unexpected %q", i, r)
		}
	}
	return append(out, token{tEOF, "", len(s)}), nil
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// numberLen is the length of the number at the start of s: sign, digits,
// fraction, exponent.
func numberLen(s string) int {
	i := 0
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		i++
	}
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		j := i + 1
		if j < len(s) && (s[j] == '-' || s[j] == '+') {
			j++
		}
		if j < len(s) && isDigit(s[j]) {
			for j < len(s) && isDigit(s[j]) {
				j++
			}
			i = j
		}
	}
	return i
}

// quoted reads a string quoted by q, where a doubled q stands for one.
func quoted(s string, q byte) (string, int, error) {
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		if s[i] != q {
			b.WriteByte(s[i])
			continue
		}
		if i+1 < len(s) && s[i+1] == q {
			b.WriteByte(q)
			i++
			continue
		}
		return b.String(), i + 1, nil
	}
	return "", 0, errorf("unterminated %c", q)
}
