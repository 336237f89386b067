package postgis

import (
	"fmt"
	"strings"
	"time"

	"bando/layers"
	"bando/spatial"
)

// value is a feature's value of field j as a query argument.
func value(fld layers.Field, f *spatial.Feature, j int) (any, error) {
	if j >= len(f.Props) || f.Props[j] == nil {
		return nil, nil
	}
	v := f.Props[j]
	if !fld.Type.Accepts(v) {
		return nil, fmt.Errorf("store: feature %q field %q: %T is not a %s", f.ID, fld.Name, v, fld.Type)
	}
	return v, nil
}

// column is field j of every feature as one typed array (nil elements are
// NULL), for unnest.
func column(fld layers.Field, j int, fs []*spatial.Feature) (any, error) {
	switch fld.Type {
	case layers.TypeString:
		return typedColumn[string](fld, j, fs)
	case layers.TypeInt:
		return typedColumn[int64](fld, j, fs)
	case layers.TypeFloat:
		return typedColumn[float64](fld, j, fs)
	case layers.TypeBool:
		return typedColumn[bool](fld, j, fs)
	case layers.TypeTime:
		return typedColumn[time.Time](fld, j, fs)
	}
	return nil, fmt.Errorf("store: field %q: unknown type %q", fld.Name, fld.Type)
}

func typedColumn[T any](fld layers.Field, j int, fs []*spatial.Feature) ([]*T, error) {
	col := make([]*T, len(fs))
	for i, f := range fs {
		v, err := value(fld, f, j)
		if err != nil {
			return nil, err
		}
		if v != nil {
			x := v.(T)
			col[i] = &x
		}
	}
	return col, nil
}

// scanDest returns a destination for a column of the field's type and a
// function that turns what was scanned into the in-memory value (nil for
// NULL; times in UTC, as the embedded store returns them).
func scanDest(t layers.FieldType) (any, func() any) {
	switch t {
	case layers.TypeInt:
		var p *int64
		return &p, func() any { return deref(p) }
	case layers.TypeFloat:
		var p *float64
		return &p, func() any { return deref(p) }
	case layers.TypeBool:
		var p *bool
		return &p, func() any { return deref(p) }
	case layers.TypeTime:
		var p *time.Time
		return &p, func() any {
			if p == nil {
				return nil
			}
			return p.UTC()
		}
	}
	var p *string
	return &p, func() any { return deref(p) }
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

func join(s []string) string { return strings.Join(s, ", ") }

func prefixed(cols []string) string {
	if len(cols) == 0 {
		return ""
	}
	return ", " + join(cols)
}
