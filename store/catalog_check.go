package store

import (
	"context"

	"github.com/paulmach/orb"
)

// StoredFeature is a stored feature with its properties by name, as they
// were written, whatever the layer's schema is today: what a catalog
// change is checked against.
type StoredFeature struct {
	ID    string
	Geom  orb.Geometry
	Props map[string]any
}

// ScanStored calls fn for every stored feature of a layer, in key order.
func (s *Pebble) ScanStored(ctx context.Context, layer string, fn func(StoredFeature) error) error {
	return s.ScanRaw(ctx, layer, func(id string, rec []byte) error {
		_, g, rest, err := decodeGeometry(rec)
		if err != nil {
			return &CorruptError{Layer: layer, ID: id, Err: err}
		}
		f := StoredFeature{ID: id, Geom: g, Props: make(map[string]any)}
		if err := eachProp(rest, func(name []byte, v any) { f.Props[string(name)] = v }); err != nil {
			return &CorruptError{Layer: layer, ID: id, Err: err}
		}
		return fn(f)
	})
}
