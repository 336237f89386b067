package ingest

import (
	"fmt"
	"math"
	"strconv"

	"github.com/paulmach/orb"

	"bando/layers"
)

// featureReader decodes GeoJSON Feature objects straight into features. It
// keeps scratch buffers between features; use one per goroutine.
type featureReader struct {
	sc      scanner
	sch     *schema
	props   props
	ignored nameSet
	pts     []orb.Point
	ends1   []int // ends of lines / rings in pts
	ends2   []int // ends of polygons in ends1
	gerr    *gproblem
	inLine  bool // the scanner holds one NDJSON line, not the whole input
}

func newFeatureReader(sch *schema) *featureReader {
	fr := &featureReader{sch: sch, ignored: newNameSet()}
	fr.sc.maxDepth, fr.sc.maxStr = sch.lim.MaxDepth, sch.lim.MaxFieldBytes
	return fr
}

// badText reports invalid UTF-8 the scanner met since the last call, as a
// problem of field (or of the id when field is "") and clears it.
func (fr *featureReader) badText(it *item, field string) {
	if fr.sc.bad == 0 {
		return
	}
	where := "byte offset " + strconv.Itoa(fr.sc.bad-1)
	if fr.inLine { // as syntax errors in a line say it
		where = "column " + strconv.Itoa(fr.sc.bad)
	}
	fr.sc.bad = 0
	what := "text"
	if field == "" {
		what = "id"
	}
	it.problem(field, RuleEncoding, what+" is not valid UTF-8 (at "+where+")")
}

// feature reads the Feature object at the scanner's position into it.
// Syntax errors panic (see scanner); everything else becomes a problem.
func (fr *featureReader) feature(it *item) {
	sc := &fr.sc
	if sc.peek() != '{' {
		sc.unexpected("a GeoJSON Feature object")
	}
	sc.pos++
	fr.props.reset(len(fr.sch.fields))
	var (
		gid, pid       string
		hasGID, hasPID bool
		pidProb        string
		idPropIgnored  bool
		g              orb.Geometry
		gpr            *gproblem
	)
	first := true
	for sc.more(&first, '}') {
		switch string(sc.key()) {
		case "type":
			if sc.peek() != '"' {
				it.problem("", RuleJSON, `"type" must be the string "Feature"`)
				sc.skip(1)
			} else if t := sc.str(); string(t) != "Feature" {
				it.problem("", RuleJSON, `"type" must be "Feature", got `+quoteExcerpt(string(t)))
			}
		case "id":
			var prob string
			sc.bad = 0
			gid, hasGID, prob = fr.idValue()
			if prob != "" {
				it.problem("", RuleBadID, prob)
			}
			fr.badText(it, "")
		case "geometry":
			g, gpr = fr.geometry(1)
		case "properties":
			pid, hasPID, pidProb, idPropIgnored = fr.properties(it)
		default:
			sc.skip(1)
		}
	}
	id := gid
	switch {
	case hasGID:
		if idPropIgnored {
			fr.ignored.add(fr.sch.idField)
		}
	case pidProb != "":
		it.problem(fr.sch.idField, RuleBadID, pidProb)
	case hasPID:
		id = pid
	}
	build(it, fr.sch, id, g, gpr, fr.props.vals)
}

// idValue reads an id: a string, or a number with an integer value
// (1.0 → "1"). null is no id. The third result explains a bad id.
func (fr *featureReader) idValue() (string, bool, string) {
	sc := &fr.sc
	switch c := sc.peek(); {
	case c == '"':
		s := nfcBytes(sc.str())
		return s, s != "", ""
	case c == '-' || c >= '0' && c <= '9':
		n := sc.num()
		if s, ok := numberID(n); ok {
			return s, true, ""
		}
		return "", false, "id must be a string or an integer, got number " + excerpt(string(n.raw))
	case c == 'n':
		sc.literal("null")
		return "", false, ""
	default:
		sc.skip(1)
		return "", false, "id must be a string or an integer, got " + kindOf(c)
	}
}

func numberID(n number) (string, bool) {
	if n.intLit {
		if string(n.raw) == "-0" {
			return "0", true
		}
		return string(n.raw), true
	}
	if isIntegral(n.val) {
		return strconv.FormatInt(int64(n.val), 10), true
	}
	return "", false
}

func kindOf(c byte) string {
	switch c {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case 't', 'f':
		return "a bool"
	case '"':
		return "a string"
	case 'n':
		return "null"
	}
	return "a number"
}

// properties reads the properties object into fr.props. It returns the id
// found under the id property, whether there was one, why it is unusable,
// and whether that property has no field in the schema.
func (fr *featureReader) properties(it *item) (pid string, hasPID bool, pidProb string, idIgnored bool) {
	sc := &fr.sc
	switch sc.peek() {
	case 'n':
		sc.literal("null")
		return
	case '{':
	default:
		it.problem("", RuleJSON, `"properties" must be an object or null`)
		sc.skip(1)
		return
	}
	sc.pos++
	first := true
	for n := 0; sc.more(&first, '}'); n++ {
		if n >= fr.sch.lim.MaxProperties {
			sc.failLimit(fmt.Sprintf("more than %d properties in one feature (the limit)", fr.sch.lim.MaxProperties))
		}
		sc.bad = 0
		k := sc.key()
		if sc.bad != 0 {
			fr.badText(it, excerpt(nfcBytes(k)))
		}
		sl, ok := fr.sch.lookup(k)
		if string(k) == fr.sch.idField {
			start := sc.pos
			pid, hasPID, pidProb = fr.idValue()
			if !ok {
				fr.badText(it, fr.sch.idField)
				idIgnored = true
				continue
			}
			sc.pos = start
		}
		if !ok {
			if !fr.ignored.has(k) {
				fr.ignored.add(nfcBytes(k))
			}
			sc.skip(1)
			sc.bad = 0 // the value is dropped: its text does not matter
			continue
		}
		fr.value(it, sl, k)
		fr.badText(it, fr.sch.fields[sl.field].Name)
	}
	return
}

// value reads a property value into its field. JSON is typed, so types are
// strict: a string is not an int, a fractional number is not an int; an
// integer is a float; a time is a string in RFC 3339 or YYYY-MM-DD.
func (fr *featureReader) value(it *item, sl slot, key []byte) {
	sc := &fr.sc
	f := &fr.sch.fields[sl.field]
	bad := func(got string) {
		msg := "want " + string(f.Type) + ", got " + got
		if sl.alias {
			msg += " (from " + quoteExcerpt(string(key)) + ")"
		}
		it.problem(f.Name, RuleType, msg)
	}
	switch c := sc.peek(); c {
	case 'n':
		sc.literal("null")
	case '"':
		b := sc.str()
		switch f.Type {
		case layers.TypeString:
			fr.props.set(sl, nfcBytes(b))
		case layers.TypeTime:
			if t, ok := parseTime(string(b)); ok {
				fr.props.set(sl, t)
			} else {
				bad(quoteValue(string(b)) + " (want RFC 3339 or YYYY-MM-DD)")
			}
		default:
			bad(quoteValue(string(b)))
		}
	case 't', 'f':
		v := c == 't'
		if v {
			sc.literal("true")
		} else {
			sc.literal("false")
		}
		if f.Type == layers.TypeBool {
			fr.props.set(sl, v)
		} else {
			bad("bool " + strconv.FormatBool(v))
		}
	case '{', '[':
		sc.skip(1)
		bad(kindOf(c))
	default:
		n := sc.num()
		switch {
		case math.IsInf(n.val, 0):
			it.problem(f.Name, RuleNaN, "number "+excerpt(string(n.raw))+" is out of range")
		case f.Type == layers.TypeFloat:
			fr.props.set(sl, n.val)
		case f.Type == layers.TypeInt && n.intLit:
			v, err := strconv.ParseInt(string(n.raw), 10, 64)
			if err != nil {
				bad("number " + excerpt(string(n.raw)) + " (out of int64 range)")
			} else {
				fr.props.set(sl, v)
			}
		case f.Type == layers.TypeInt && isIntegral(n.val):
			fr.props.set(sl, int64(n.val))
		default:
			bad("number " + excerpt(string(n.raw)))
		}
	}
}
