package ingest

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/paulmach/orb"

	"bando/crs"
	"bando/layers"
)

// tablePlan maps the columns of a table (a DBF, a GeoPackage feature
// table) onto layer fields, as planCSV does for a CSV header: by name, then
// by alias, then without case.
type tablePlan struct {
	id     int // column of the id, -1 when ids are the record numbers
	slots  []slot
	mapped []bool
	prefix string // put before record-number ids when several tables feed one layer
}

func planTable(c *collector, names []string) *tablePlan {
	p := &tablePlan{id: -1, slots: make([]slot, len(names)), mapped: make([]bool, len(names))}
	lower := make(map[string]slot, len(c.sch.byKey))
	for k, s := range c.sch.byKey {
		if _, taken := lower[strings.ToLower(k)]; !taken || !s.alias {
			lower[strings.ToLower(k)] = s
		}
	}
	for i, n := range names {
		if strings.EqualFold(n, c.sch.idField) {
			p.id = i
		}
		s, ok := c.sch.byKey[n]
		if !ok {
			s, ok = lower[strings.ToLower(n)]
		}
		if ok {
			p.slots[i], p.mapped[i] = s, true
		} else if i != p.id {
			c.ignored.add(n)
		}
	}
	return p
}

// addRow builds one feature from a record: vals are the record's column
// values (string, int64, float64, bool or nil), g its geometry in sys,
// transformed here to WGS84.
func (c *collector) addRow(p *tablePlan, file string, record int, vals []any, g orb.Geometry, gpr *gproblem, sys *crs.CRS) {
	j := rowJob{p: p, file: file, record: record, index: c.count(), vals: vals, g: g, gpr: gpr, sys: sys}
	if c.rows == nil && c.total >= pipeMinRows && pipeWorkers() > 1 {
		c.rows = newRowPipe(c, pipeWorkers())
	}
	if c.rows != nil {
		c.rows.push(j)
		return
	}
	c.add(c.row(&j))
}

// row builds the item of a record. It reads only the schema, so that the
// row pipeline runs it on several goroutines.
func (c *collector) row(j *rowJob) item {
	p, file, record, vals, g, gpr, sys := j.p, j.file, j.record, j.vals, j.g, j.gpr, j.sys
	it := item{index: j.index, file: file, record: record}
	id := p.prefix + strconv.Itoa(record)
	if p.id >= 0 && p.id < len(vals) {
		switch v := vals[p.id].(type) {
		case string:
			id = nfc(strings.TrimSpace(v))
		case int64:
			id = strconv.FormatInt(v, 10)
		case float64:
			if !isIntegral(v) {
				it.problemf("", RuleBadID, "id %v is not an integer", v)
			}
			id = strconv.FormatFloat(v, 'f', -1, 64)
		case nil:
			id = ""
		}
	}
	var pr props
	pr.reset(len(c.sch.fields))
	for i, v := range vals {
		if i >= len(p.mapped) || !p.mapped[i] || v == nil {
			continue
		}
		f := &c.sch.fields[p.slots[i].field]
		val, why := convertValue(f, v)
		if why != "" {
			it.problem(f.Name, RuleType, why)
			continue
		}
		if val != nil {
			pr.set(p.slots[i], val)
		}
	}
	if gpr == nil && g != nil && sys != nil {
		g = sys.Transform(g)
	}
	build(&it, c.sch, id, g, gpr, pr.vals)
	return it
}

// convertValue converts a typed column value to a field's type: text as
// convertText does, numbers and bools to the field's type when they fit.
func convertValue(fld *layers.Field, v any) (any, string) {
	switch v := v.(type) {
	case string:
		if !utf8.ValidString(v) {
			return nil, notUTF8Text
		}
		return convertText(fld, v, false)
	case int64:
		return convertText(fld, strconv.FormatInt(v, 10), false)
	case float64:
		return convertText(fld, strconv.FormatFloat(v, 'f', -1, 64), false)
	case bool:
		return convertText(fld, strconv.FormatBool(v), false)
	}
	return nil, ""
}

const notUTF8Text = "text is not valid UTF-8 (name its encoding with --encoding)"
