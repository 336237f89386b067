package query

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/paulmach/orb/encoding/wkt"
)

// WriteCSV writes the result as CSV for spreadsheets: UTF-8 with a byte
// order mark (so that Vietnamese shows correctly), a header row, then one
// row per feature — id, distance_m when measured, the selected fields, and
// the geometry as WKT when withWKT — or one row per group — the key parts,
// then the figures. Absent values are empty cells. The total of a grouped
// answer is not written (it is the sum of the rows for counts and sums).
func (r *Result) WriteCSV(w io.Writer, withWKT bool) error {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return fmt.Errorf("query: csv: %w", err)
	}
	cw := csv.NewWriter(w)
	if r.Grouped {
		cw.Write(append(append([]string{}, r.GroupNames...), r.FigureNames...))
		for _, g := range r.Groups {
			row := make([]string, 0, len(g.Key)+len(g.Figures))
			for _, v := range g.Key {
				row = append(row, cell(v))
			}
			for _, v := range g.Figures {
				row = append(row, cell(v))
			}
			cw.Write(row)
		}
	} else {
		measured := len(r.Features) > 0 && r.Features[0].HasDistance
		head := []string{"id"}
		if measured {
			head = append(head, "distance_m")
		}
		for _, i := range r.Fields {
			head = append(head, r.Layer.Fields[i].Name)
		}
		if withWKT {
			head = append(head, "wkt")
		}
		cw.Write(head)
		for _, h := range r.Features {
			row := []string{h.Feature.ID}
			if measured {
				row = append(row, cell(h.DistanceM))
			}
			for _, i := range r.Fields {
				var v any
				if i < len(h.Feature.Props) {
					v = h.Feature.Props[i]
				}
				row = append(row, cell(v))
			}
			if withWKT {
				row = append(row, wkt.MarshalString(h.Feature.Geom))
			}
			cw.Write(row)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("query: csv: %w", err)
	}
	return nil
}

func cell(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(v)
	case time.Time:
		return v.UTC().Format(time.RFC3339Nano)
	}
	return fmt.Sprint(v)
}
