package hex

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// Result is the answer to an H3 question. Its JSON is
//
//	{"res": 8, "cells": [{"h3": "88…", "count": 12, "sum_power_w": 3400}, …]}
//
// with the figures of each cell in the order the question asked them.
type Result struct {
	// Res is the resolution of the cells.
	Res int
	// Aggs are the figures besides count, in the order of Values.
	Aggs []Agg
	// Cells are sorted by cell id.
	Cells []CellFigures
}

// CellFigures are the figures of one cell.
type CellFigures struct {
	Cell  Cell
	Count int64
	// Values has one figure per Result.Aggs: int64 (a sum of integers),
	// float64, or nil (an average of no values).
	Values []any
}

func (r *run) result() (*Result, error) {
	all := r.parts[0]
	for _, p := range r.parts[1:] {
		for i, c := range p.cells {
			if err := all.merge(c, p, i); err != nil {
				return nil, err
			}
		}
	}
	for c := range r.only {
		if all.index.get(c) == nil {
			if _, err := all.newCell(c); err != nil {
				return nil, err
			}
		}
	}
	res := &Result{Res: r.req.OutRes(), Aggs: all.aggs, Cells: make([]CellFigures, len(all.cells))}
	n := len(all.aggs)
	values := make([]any, n*len(all.cells)) // one backing array for all cells
	for i, c := range all.cells {
		cf := CellFigures{Cell: c, Count: all.index.get(c).count}
		if n > 0 {
			cf.Values = values[i*n : (i+1)*n : (i+1)*n]
			for k, a := range all.aggs {
				cf.Values[k] = all.vals[i*n+k].figure(a.Op)
			}
		}
		res.Cells[i] = cf
	}
	slices.SortFunc(res.Cells, func(a, b CellFigures) int { return cmpCell(a.Cell, b.Cell) })
	return res, nil
}

func cmpCell(a, b Cell) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// merge adds cell c of part o (at index i) to p.
func (p *part) merge(c Cell, o *part, i int) error {
	s := p.index.get(c)
	if s == nil {
		var err error
		if s, err = p.newCell(c); err != nil {
			return err
		}
	}
	s.count += o.index.get(c).count
	n := len(p.aggs)
	for k := range n {
		p.vals[int(s.idx)*n+k].add(o.vals[i*n+k])
	}
	return nil
}

func (v aggVal) figure(op Op) any {
	switch {
	case op == Avg && v.n == 0:
		return nil
	case op == Avg:
		return (float64(v.i) + v.f) / float64(v.n)
	case v.float:
		return float64(v.i) + v.f
	}
	return v.i
}

// MarshalJSON writes {"res": …, "cells": [{"h3": …, "count": …, …}]}.
func (r *Result) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(`{"res":`)
	b.WriteString(strconv.Itoa(r.Res))
	b.WriteString(`,"cells":[`)
	for i, c := range r.Cells {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"h3":"`)
		b.WriteString(c.Cell.String())
		b.WriteString(`","count":`)
		b.WriteString(strconv.FormatInt(c.Count, 10))
		for k, a := range r.Aggs {
			key, _ := json.Marshal(a.Key())
			val, err := json.Marshal(c.Values[k])
			if err != nil {
				return nil, err
			}
			b.WriteByte(',')
			b.Write(key)
			b.WriteByte(':')
			b.Write(val)
		}
		b.WriteByte('}')
	}
	b.WriteString("]}")
	return b.Bytes(), nil
}

// FeatureCollection returns the cells as GeoJSON hexagons (f=geojson): one
// Polygon feature per cell (see Boundary), its id the cell id, its
// properties h3, res, count and the figures.
func (r *Result) FeatureCollection() *geojson.FeatureCollection {
	fc := geojson.NewFeatureCollection()
	for _, c := range r.Cells {
		f := geojson.NewFeature(orb.Polygon{Boundary(c.Cell)})
		f.ID = c.Cell.String()
		f.Properties["h3"] = c.Cell.String()
		f.Properties["res"] = r.Res
		f.Properties["count"] = c.Count
		for k, a := range r.Aggs {
			f.Properties[a.Key()] = c.Values[k]
		}
		fc.Append(f)
	}
	return fc
}

// WriteCSV writes the cells as CSV (f=csv): UTF-8 with a byte-order mark
// (so spreadsheets read it as UTF-8), a header h3,count,<figures…>, one row
// per cell; an average of no values is an empty field.
func (r *Result) WriteCSV(w io.Writer) error {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return fmt.Errorf("hex: csv: %w", err)
	}
	cw := csv.NewWriter(w)
	header := []string{"h3", "count"}
	for _, a := range r.Aggs {
		header = append(header, a.Key())
	}
	if err := cw.Write(header); err != nil {
		return fmt.Errorf("hex: csv: %w", err)
	}
	row := make([]string, len(header))
	for _, c := range r.Cells {
		row[0], row[1] = c.Cell.String(), strconv.FormatInt(c.Count, 10)
		for k, v := range c.Values {
			switch v := v.(type) {
			case int64:
				row[2+k] = strconv.FormatInt(v, 10)
			case float64:
				row[2+k] = strconv.FormatFloat(v, 'g', -1, 64)
			default:
				row[2+k] = ""
			}
		}
		if err := cw.Write(row); err != nil {
			return fmt.Errorf("hex: csv: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("hex: csv: %w", err)
	}
	return nil
}

// Encode writes the result in format f and returns its content type:
// application/json, application/geo+json or text/csv; charset=utf-8.
func (r *Result) Encode(w io.Writer, f Format) (contentType string, err error) {
	switch f {
	case GeoJSON:
		b, err := json.Marshal(r.FeatureCollection())
		if err != nil {
			return "", fmt.Errorf("hex: geojson: %w", err)
		}
		_, err = w.Write(b)
		return "application/geo+json", err
	case CSV:
		return "text/csv; charset=utf-8", r.WriteCSV(w)
	case JSON, "":
		b, err := r.MarshalJSON()
		if err != nil {
			return "", fmt.Errorf("hex: json: %w", err)
		}
		_, err = w.Write(b)
		return "application/json", err
	}
	return "", badParam("f", strconv.Quote(string(f)), "want json, geojson or csv")
}
