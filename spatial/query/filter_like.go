package query

import (
	"regexp"
	"strings"

	"bando/layers"
	"bando/spatial"
)

// compileLike is SQL LIKE on a text field: % matches any run of
// characters, _ one character, a backslash makes the next one literal;
// case and accents count, as in PostgreSQL's LIKE.
func compileLike(path string, fd *layers.Field, f *Filter) (func(spatial.Value) bool, error) {
	if fd.Type != layers.TypeString {
		return nil, errf(CodeInvalid, path, "like needs a text field; %q is %s", fd.Name, fd.Type)
	}
	s, ok := f.Value.(string)
	if !ok {
		return nil, wrongType(path, "a string", f.Value)
	}
	re, err := regexp.Compile(likePattern(s))
	if err != nil {
		return nil, errf(CodeInvalid, path, "pattern %q: %v", s, err)
	}
	return func(v spatial.Value) bool { return re.MatchString(v.Str()) }, nil
}

// likePattern turns a LIKE pattern into an anchored regular expression
// (RE2: linear time whatever the pattern).
func likePattern(p string) string {
	var b strings.Builder
	b.WriteString(`(?s)^`)
	esc := false
	for _, r := range p {
		switch {
		case esc:
			b.WriteString(regexp.QuoteMeta(string(r)))
			esc = false
		case r == '\\':
			esc = true
		case r == '%':
			b.WriteString(`.*`)
		case r == '_':
			b.WriteString(`.`)
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	if esc { // a trailing backslash stands for itself
		b.WriteString(`\\`)
	}
	b.WriteString(`$`)
	return b.String()
}
