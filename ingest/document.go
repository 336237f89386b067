package ingest

import (
	"bytes"
	"io"
	"strconv"
)

// readGeoJSON reads a FeatureCollection, a single Feature, or — when the
// first line is a whole object and more lines follow — newline-delimited
// features. Overpass JSON ({"elements": …}) is recognised and read as such.
func readGeoJSON(c *collector, r io.Reader) error {
	data, ok, err := readAll(c, r)
	if !ok {
		return err
	}
	data = bytes.TrimPrefix(data, bom)
	if looksNDJSON(data) {
		c.format = NDJSON
		return readNDJSON(c, bytes.NewReader(data))
	}
	fr := newFeatureReader(c.sch)
	defer c.ignore(fr.ignored)
	lines := lineCounter{data: data}
	var kind string
	if err := fr.guard(func() { kind = sniffTop(&scanner{data: data, maxDepth: fr.sc.maxDepth, maxStr: fr.sc.maxStr}) }); err != nil {
		c.fatal(-1, lines.at(err.off), err.problemRule(), syntaxMsg(err, &lines))
		return nil
	}
	switch kind {
	case "overpass":
		c.format = Overpass
		return readOverpassBytes(c, data)
	case "Feature":
		fr.sc.data, fr.sc.pos = data, 0
		err := fr.guard(func() {
			it := item{index: 0, line: lines.at(fr.sc.peekPos())}
			fr.feature(&it)
			fr.trailing()
			c.add(it)
		})
		if err != nil {
			c.fatal(-1, lines.at(err.off), err.problemRule(), syntaxMsg(err, &lines))
		}
	case "FeatureCollection":
		if err := fr.guard(func() { fr.collection0(c, &lines) }); err != nil {
			c.fatal(-1, lines.at(err.off), err.problemRule(), syntaxMsg(err, &lines))
		}
	default:
		c.fatal(-1, 1, RuleJSON, "want a GeoJSON FeatureCollection or Feature, got "+kind)
	}
	return nil
}

var bom = []byte("\xef\xbb\xbf")

// guard runs fn on fr's scanner (already pointing at data) and returns the
// syntax error it raised, if any.
func (fr *featureReader) guard(fn func()) (se *syntaxError) {
	defer func() {
		if r := recover(); r != nil {
			e, ok := r.(syntaxError)
			if !ok {
				panic(r)
			}
			se = &e
		}
	}()
	fn()
	return nil
}

// sniffTop reads the members of the top-level object up to its "type" and
// returns that type, or "overpass" when an "elements" member comes first.
func sniffTop(sc *scanner) string {
	if sc.peek() != '{' {
		if sc.atEnd() {
			return "empty input"
		}
		return kindOf(sc.peek())
	}
	sc.pos++
	first := true
	for sc.more(&first, '}') {
		switch string(sc.key()) {
		case "type":
			if sc.peek() != '"' {
				return "a non-string \"type\""
			}
			t := string(sc.str())
			if t != "Feature" && t != "FeatureCollection" {
				return quoteExcerpt(t)
			}
			return t
		case "elements":
			return "overpass"
		}
		sc.skip(1)
	}
	return "an object without \"type\""
}

// collection0 reads a FeatureCollection object, feeding each feature to c.
func (fr *featureReader) collection0(c *collector, lines *lineCounter) {
	sc := &fr.sc
	sc.data, sc.pos = lines.data, 0
	sc.expect('{')
	first, found := true, false
	for sc.more(&first, '}') {
		if string(sc.key()) != "features" {
			sc.skip(1)
			continue
		}
		found = true
		if sc.peek() != '[' {
			sc.unexpected(`an array of features in "features"`)
		}
		sc.pos++
		f := true
		for sc.more(&f, ']') {
			if c.full() {
				return
			}
			it := item{index: len(c.items), line: lines.at(sc.peekPos())}
			fr.feature(&it)
			c.add(it)
		}
	}
	if !found {
		// RFC 7946 requires it; without it nothing would be stored and
		// the answer would look like success.
		sc.fail(`a FeatureCollection needs a "features" array`)
	}
	fr.trailing()
}

// trailing requires nothing but whitespace after the top-level value.
func (fr *featureReader) trailing() {
	if !fr.sc.atEnd() {
		fr.sc.fail("unexpected data after the top-level value")
	}
}

func (s *scanner) peekPos() int {
	s.ws()
	return s.pos
}

// looksNDJSON reports whether data holds at least two non-blank lines and
// its first non-blank line is a whole object on its own ({…}).
func looksNDJSON(data []byte) bool {
	var first []byte
	for len(data) > 0 {
		line, rest, _ := bytes.Cut(data, []byte{'\n'})
		data = rest
		line = bytes.TrimLeft(bytes.TrimSpace(line), "\x1e")
		if len(line) == 0 {
			continue
		}
		if first != nil {
			return true
		}
		if line[0] != '{' || line[len(line)-1] != '}' {
			return false
		}
		first = line
	}
	return false
}

// lineCounter maps byte offsets to 1-based line numbers; offsets must be
// asked for in increasing order to stay linear, but any order works.
type lineCounter struct {
	data      []byte
	off, line int
}

func (l *lineCounter) at(off int) int {
	off = min(max(off, 0), len(l.data))
	if off < l.off {
		l.off, l.line = 0, 0
	}
	l.line += bytes.Count(l.data[l.off:off], []byte{'\n'})
	l.off = off
	return l.line + 1
}

func syntaxMsg(e *syntaxError, l *lineCounter) string {
	col := e.off - (bytes.LastIndexByte(l.data[:min(e.off, len(l.data))], '\n') + 1) + 1
	return e.msg + " (column " + strconv.Itoa(col) + ")"
}
