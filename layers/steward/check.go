package steward

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"bando/ingest"
	"bando/layers"
	"bando/store"
)

// errStop ends a scan at the first refusal.
var errStop = errors.New("stop")

// check tests the new declaration l of a layer (old is the current one,
// nil for a new layer) against the features stored under its id, and
// returns how many there are. It refuses, naming the first feature in id
// order that cannot satisfy it: a geometry of a type l does not admit, a
// required field without a value, a value that does not convert to its
// field's new type without loss. Dropping a field old requires is refused
// while the layer holds features: stewards mark data required because
// something relies on it.
func (m *Manager) check(ctx context.Context, old, l *layers.Layer) (int, error) {
	n := 0
	var refusal *Error
	err := m.cfg.Store.ScanStored(ctx, l.ID, func(f store.StoredFeature) error {
		n++
		if msg := misfit(l, f); msg != "" {
			refusal = &Error{Kind: Invalid, Feature: f.ID, Msg: fmt.Sprintf("layer %q: feature %q %s", l.ID, f.ID, msg)}
			return errStop
		}
		return nil
	})
	if refusal != nil {
		return n, refusal
	}
	if err != nil {
		return n, fmt.Errorf("steward: check layer %s: %w", l.ID, err)
	}
	if old != nil && n > 0 {
		for _, f := range old.Fields {
			if f.Required && l.FieldIndex(f.Name) < 0 {
				return n, &Error{Kind: Invalid, Msg: fmt.Sprintf(
					"layer %q: field %q is required and the layer holds %d features: it cannot be removed (make it optional first)", l.ID, f.Name, n)}
			}
		}
	}
	return n, nil
}

// misfit says why stored feature f cannot be a feature of l, or "".
func misfit(l *layers.Layer, f store.StoredFeature) string {
	if f.Geom != nil && !ingest.Fits(l.Geometry, f.Geom) {
		return fmt.Sprintf("has a %s geometry, which a layer of geometry %s cannot hold", f.Geom.GeoJSONType(), l.Geometry)
	}
	for _, fd := range l.Fields {
		v, ok := f.Props[fd.Name]
		if !ok || v == nil {
			if fd.Required {
				return fmt.Sprintf("has no value for the required field %q", fd.Name)
			}
			continue
		}
		if _, ok := fd.Type.Convert(v); !ok {
			return fmt.Sprintf("field %q holds %s, which is not a %s", fd.Name, excerpt(v), fd.Type)
		}
	}
	return ""
}

// excerpt renders a stored value for a message, cut short.
func excerpt(v any) string {
	s := fmt.Sprint(v)
	if str, ok := v.(string); ok {
		s = strconv.Quote(str)
	}
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return s
}
