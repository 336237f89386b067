package ingest

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/paulmach/orb"
)

// csvPlan says which column feeds what.
type csvPlan struct {
	id, lon, lat, wkt int // column index, -1 if absent
	fields            []csvField
	width             int
}

type csvField struct {
	col  int
	slot slot
	name string // header as written
}

var (
	lonNames = []string{"lon", "lng", "long", "longitude", "x"}
	latNames = []string{"lat", "latitude", "y"}
	wktNames = []string{"wkt", "geometry", "geom", "the_geom", "wkt_geom"}
)

// readCSV reads a header row and one feature per row, with the geometry in
// lon/lat columns or a WKT column. The separator is ',' unless the header
// line has more ';' or tab characters.
func readCSV(c *collector, r io.Reader) error {
	br, ok := r.(*bufio.Reader)
	if !ok {
		br = bufio.NewReaderSize(r, 1<<16)
	}
	if b, _ := br.Peek(3); bytes.Equal(b, bom) {
		br.Discard(3)
	}
	lim := c.opt.Limits
	comma := sniffComma(br)
	cr := csv.NewReader(&recordLimiter{r: br, max: lim.MaxLineBytes, comma: byte(comma), maxFields: lim.MaxProperties})
	cr.Comma = comma
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return csvFatal(c, err, "header row")
	}
	if len(header) > lim.MaxProperties {
		c.fatal(-1, 1, RuleTooLarge, fmt.Sprintf("the header has %d columns, more than the limit of %d", len(header), lim.MaxProperties))
		return nil
	}
	if col := longCell(header, -1, lim.MaxFieldBytes); col >= 0 {
		c.fatal(-1, 1, RuleTooLarge, fmt.Sprintf("header column %d is %s long, more than the limit of %s",
			col+1, byteSize(int64(len(header[col]))), byteSize(int64(lim.MaxFieldBytes))))
		return nil
	}
	plan, ok := planCSV(c, header)
	if !ok {
		return nil
	}
	var p props
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return csvFatal(c, err, "row")
		}
		if c.full() {
			return nil
		}
		line, _ := cr.FieldPos(0)
		if col := longCell(rec, plan.wkt, lim.MaxFieldBytes); col >= 0 {
			c.fatal(-1, line, RuleTooLarge, fmt.Sprintf("column %d holds %s, more than the limit of %s for one value",
				col+1, byteSize(int64(len(rec[col]))), byteSize(int64(lim.MaxFieldBytes))))
			return nil
		}
		it := item{index: len(c.items), line: line}
		if plan.id >= 0 && plan.id < len(rec) {
			it.id = nfc(strings.TrimSpace(rec[plan.id]))
			if !utf8.ValidString(it.id) {
				it.id = strings.ToValidUTF8(it.id, "\uFFFD")
				it.problem("", RuleEncoding, notUTF8)
			}
		}
		if len(rec) != plan.width {
			it.problemf("", RuleCSV, "row has %d fields, the header has %d", len(rec), plan.width)
			for i := range it.probs {
				it.probs[i].ID = it.id
			}
			c.add(it)
			continue
		}
		p.reset(len(c.sch.fields))
		for _, fc := range plan.fields {
			f := &c.sch.fields[fc.slot.field]
			if !utf8.ValidString(rec[fc.col]) {
				it.problem(f.Name, RuleEncoding, notUTF8)
				continue
			}
			v, why := convertText(f, rec[fc.col], false)
			if why != "" {
				if fc.name != f.Name {
					why += " (column " + quoteExcerpt(fc.name) + ")"
				}
				it.problem(f.Name, RuleType, why)
				continue
			}
			if v != nil {
				p.set(fc.slot, v)
			}
		}
		g, gpr := csvGeometry(&plan, rec, lim.MaxVertices)
		build(&it, c.sch, it.id, g, gpr, p.vals)
		c.add(it)
	}
}

func csvFatal(c *collector, err error, what string) error {
	var pe *csv.ParseError
	switch {
	case err == io.EOF:
		c.fatal(-1, 1, RuleCSV, "empty input: a header row is required")
	case errors.As(err, &pe):
		c.fatal(-1, pe.Line, RuleCSV, fmt.Sprintf("%s: %v", what, pe.Err))
	default:
		return c.readFailed(err, 0)
	}
	return nil
}

// longCell returns the column of the first cell longer than max bytes,
// skipping the WKT column (bounded by the record and vertex limits), or -1.
func longCell(rec []string, wkt, max int) int {
	for i, v := range rec {
		if len(v) > max && i != wkt {
			return i
		}
	}
	return -1
}

// recordLimiter fails a CSV record longer than max bytes, or of more than
// maxFields cells, before encoding/csv buffers and splits it (a line of
// commas is millions of empty strings): it follows quotes, so a newline or
// a comma inside a quoted cell does not count.
type recordLimiter struct {
	r         io.Reader
	n, max    int
	comma     byte
	fields    int
	maxFields int
	line      int
	quoted    bool
}

func (l *recordLimiter) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	b := p[:n]
	specials := string([]byte{'"', '\n', l.comma})
	for len(b) > 0 && l.n <= l.max && l.fields < l.maxFields {
		i := bytes.IndexAny(b, specials)
		if i < 0 {
			l.n += len(b)
			break
		}
		l.n += i + 1
		switch {
		case b[i] == '"':
			l.quoted = !l.quoted
		case b[i] == '\n':
			l.line++
			if !l.quoted {
				l.n, l.fields = 0, 0
			}
		case !l.quoted:
			l.fields++
		}
		b = b[i+1:]
	}
	switch {
	case l.n > l.max:
		return 0, tooLarge("a CSV record near line %d is longer than %s (the limit)", l.line+1, byteSize(int64(l.max)))
	case l.fields >= l.maxFields:
		return 0, tooLarge("a CSV record near line %d has more than %d columns (the limit)", l.line+1, l.maxFields)
	}
	return n, err
}

// sniffComma picks the separator from the first line.
func sniffComma(br *bufio.Reader) rune {
	b, _ := br.Peek(br.Buffered())
	if len(b) == 0 {
		b, _ = br.Peek(4096)
	}
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		b = b[:i]
	}
	comma, n := ',', bytes.Count(b, []byte{','})
	if k := bytes.Count(b, []byte{';'}); k > n {
		comma, n = ';', k
	}
	if k := bytes.Count(b, []byte{'\t'}); k > n {
		comma = '\t'
	}
	return comma
}

func planCSV(c *collector, header []string) (csvPlan, bool) {
	plan := csvPlan{id: -1, lon: -1, lat: -1, wkt: -1, width: len(header)}
	lower := make(map[string]slot, len(c.sch.byKey))
	for k, s := range c.sch.byKey {
		if _, taken := lower[strings.ToLower(k)]; !taken || !s.alias {
			lower[strings.ToLower(k)] = s
		}
	}
	opt := c.opt
	seen := make(map[string]bool, len(header))
	for i, h := range header {
		if !utf8.ValidString(h) {
			c.fatal(-1, 1, RuleEncoding, "header: "+notUTF8)
			return plan, false
		}
		h = nfc(strings.TrimSpace(h))
		header[i] = h
		lh := strings.ToLower(h)
		if seen[lh] {
			c.fatal(-1, 1, RuleCSV, fmt.Sprintf("column %s appears twice in the header", quoteExcerpt(h)))
			return plan, false
		}
		seen[lh] = true
		switch {
		case strings.EqualFold(h, c.sch.idField):
			plan.id = i
		case opt.LonField != "" && h == opt.LonField, opt.LonField == "" && plan.lon < 0 && isOneOf(lh, lonNames):
			plan.lon = i
			continue
		case opt.LatField != "" && h == opt.LatField, opt.LatField == "" && plan.lat < 0 && isOneOf(lh, latNames):
			plan.lat = i
			continue
		case opt.WKTField != "" && h == opt.WKTField, opt.WKTField == "" && plan.wkt < 0 && isOneOf(lh, wktNames):
			plan.wkt = i
			continue
		}
		s, ok := c.sch.byKey[h]
		if !ok {
			s, ok = lower[lh]
		}
		if !ok {
			if i != plan.id {
				c.ignored.add(h)
			}
			continue
		}
		plan.fields = append(plan.fields, csvField{col: i, slot: s, name: h})
	}
	if opt.WKTField != "" || plan.lon < 0 || plan.lat < 0 {
		plan.lon, plan.lat = -1, -1
	}
	if plan.wkt < 0 && (plan.lon < 0 || plan.lat < 0) {
		c.fatal(-1, 1, RuleCSV, "no geometry columns: want lon and lat (or lng/longitude/x, latitude/y) or wkt (or geometry/geom)")
		return plan, false
	}
	if plan.lon >= 0 {
		plan.wkt = -1
	}
	return plan, true
}

const notUTF8 = "text is not valid UTF-8 (save the file as CSV UTF-8)"

func isOneOf(s string, list []string) bool {
	for _, x := range list {
		if s == x {
			return true
		}
	}
	return false
}

// csvGeometry reads a row's geometry; a WKT value with more than
// maxVertices positions is refused before it is parsed.
func csvGeometry(plan *csvPlan, rec []string, maxVertices int) (orb.Geometry, *gproblem) {
	if plan.wkt >= 0 {
		if n := strings.Count(rec[plan.wkt], ","); n >= maxVertices {
			return nil, gprob(RuleTooLarge, "a WKT geometry with more than %d positions (the limit)", maxVertices)
		}
		return parseWKT(rec[plan.wkt])
	}
	lon, lat := strings.TrimSpace(rec[plan.lon]), strings.TrimSpace(rec[plan.lat])
	if lon == "" || lat == "" {
		return nil, gprob(RuleEmpty, "longitude or latitude is empty")
	}
	x, err1 := strconv.ParseFloat(lon, 64)
	y, err2 := strconv.ParseFloat(lat, 64)
	switch {
	case err1 != nil && !errors.Is(err1, strconv.ErrRange):
		return nil, gprob(RuleCoordinate, "longitude %s is not a number", quoteExcerpt(lon))
	case err2 != nil && !errors.Is(err2, strconv.ErrRange):
		return nil, gprob(RuleCoordinate, "latitude %s is not a number", quoteExcerpt(lat))
	}
	return orb.Point{x, y}, nil
}
