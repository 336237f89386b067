package query

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"
	"time"

	"github.com/paulmach/orb/encoding/wkt"
)

// WriteCSV writes the answer as CSV for spreadsheets: UTF-8 with a
// byte-order mark (so Vietnamese shows correctly), a header row, then one
// row per feature (id, the selected fields, distance_m when measured, and
// the geometry as WKT when withWKT) or per group (the key parts, then the
// figures). A grouped answer ends with its total, keyed "total" in the first
// key column. An absent value is an empty cell.
func (r *Result) WriteCSV(w io.Writer, withWKT bool) error {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return fmt.Errorf("query: csv: %w", err)
	}
	cw := csv.NewWriter(w)
	var err error
	if r.Grouped {
		err = r.groupRows(cw)
	} else {
		err = r.featureRows(cw, withWKT)
	}
	if err != nil {
		return fmt.Errorf("query: csv: %w", err)
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("query: csv: %w", err)
	}
	return nil
}

func (r *Result) featureRows(cw *csv.Writer, withWKT bool) error {
	dist := len(r.Features) > 0 && r.Features[0].HasDistance
	header := []string{"id"}
	for _, i := range r.Fields {
		header = append(header, r.Layer.Fields[i].Name)
	}
	if dist {
		header = append(header, "distance_m")
	}
	if withWKT {
		header = append(header, "wkt")
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	row := make([]string, len(header))
	for _, h := range r.Features {
		f := h.Feature
		row = append(row[:0], f.ID)
		for _, i := range r.Fields {
			var v any
			if i < len(f.Props) {
				v = f.Props[i]
			}
			row = append(row, cell(v))
		}
		if dist {
			row = append(row, cell(h.DistanceM))
		}
		if withWKT {
			row = append(row, wkt.MarshalString(f.Geom))
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	return nil
}

func (r *Result) groupRows(cw *csv.Writer) error {
	header := append(append([]string{}, r.GroupNames...), r.FigureNames...)
	if err := cw.Write(header); err != nil {
		return err
	}
	row := make([]string, 0, len(header))
	for _, g := range r.Groups {
		row = row[:0]
		for _, k := range g.Key {
			row = append(row, cell(k))
		}
		for _, v := range g.Figures {
			row = append(row, cell(v))
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	row = row[:0]
	for i := range r.GroupNames {
		if i == 0 {
			row = append(row, "total")
		} else {
			row = append(row, "")
		}
	}
	for _, v := range r.Total.Figures {
		row = append(row, cell(v))
	}
	return cw.Write(row)
}

// cell formats one value as the JSON answer does, unquoted.
func cell(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return ""
		}
		return strconv.FormatFloat(v, 'g', -1, 64)
	case bool:
		return strconv.FormatBool(v)
	case time.Time:
		return v.UTC().Format(time.RFC3339Nano)
	}
	return ""
}
