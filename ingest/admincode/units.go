package admincode

import (
	"context"
	"fmt"
	"sync"

	"github.com/paulmach/orb"

	"bando/data"
	"bando/ingest"
	"bando/layers"
	"bando/spatial"
	"bando/spatial/query"
)

// Units locates points in the communes of an admin layer held in an
// index, through the query model: a point clause (ST_Intersects) and a
// filter on the unit code. The unit's code is its "code" field, or its id
// when the layer has none (as the admin clause reads it).
type Units struct {
	eng   *query.Engine
	layer *layers.Layer
	code  int // index of the code field, -1 for the id
}

// system is the principal the lookups run as: every layer, every field.
var system = layers.Principal{Name: "ingest", Clearance: layers.Restricted}

// NewUnits locates in layer of ix, with the layers of cat.
func NewUnits(ix *spatial.Index, cat *layers.Catalog, layer string) (*Units, error) {
	l, err := cat.Get(layer)
	if err != nil {
		return nil, fmt.Errorf("admincode: %w", err)
	}
	return &Units{eng: query.New(ix, cat, query.Limits{}), layer: l, code: l.FieldIndex("code")}, nil
}

// Locate implements Locator: the first candidate (by code) whose polygon
// holds p.
func (u *Units) Locate(p orb.Point, candidates []string) (string, bool) {
	vals := make([]any, len(candidates))
	for i, c := range candidates {
		vals[i] = c
	}
	q := query.Query{Layer: u.layer.ID, Where: []query.Where{{Kind: query.KindPoint, At: p}}, Limit: len(candidates)}
	if u.code >= 0 {
		q.Filter = &query.Filter{Op: "in", Field: u.layer.Fields[u.code].Name, Value: vals}
	}
	res, err := u.eng.Run(context.Background(), system, q)
	if err != nil {
		return "", false
	}
	for _, h := range res.Features {
		code := h.Feature.ID
		if u.code >= 0 && u.code < len(h.Feature.Props) {
			if s, ok := h.Feature.Props[u.code].(string); ok {
				code = s
			}
		}
		for _, c := range candidates {
			if c == code {
				return code, true
			}
		}
	}
	return "", false
}

var (
	defaultOnce sync.Once
	defaultCW   *Crosswalk
	defaultErr  error
)

// Default is the embedded crosswalk, placing split units in the 2025
// communes of the demo data (data.CommunesFile, Hồ Chí Minh City): split
// units of other provinces are reported unresolved. It is built once.
func Default() (*Crosswalk, error) {
	defaultOnce.Do(func() { defaultCW, defaultErr = loadDefault() })
	return defaultCW, defaultErr
}

func loadDefault() (*Crosswalk, error) {
	cat, err := data.DemoCatalog()
	if err != nil {
		return nil, err
	}
	l, err := cat.Get("communes")
	if err != nil {
		return nil, fmt.Errorf("admincode: demo: %w", err)
	}
	f, err := data.Demo().Open(data.CommunesFile)
	if err != nil {
		return nil, fmt.Errorf("admincode: %w", err)
	}
	defer f.Close()
	feats, _, err := ingest.Prepare(l, ingest.GeoJSON, f, ingest.Options{IDField: "code"})
	if err != nil {
		return nil, fmt.Errorf("admincode: %s: %w", data.CommunesFile, err)
	}
	ix := spatial.NewIndex()
	ix.Put(l.ID, 1, feats)
	units, err := NewUnits(ix, cat, l.ID)
	if err != nil {
		return nil, err
	}
	rc, err := data.CommuneCrosswalk()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return Parse(rc, units)
}

// Check that a Crosswalk serves ingest.
var _ ingest.AdminCodes = (*Crosswalk)(nil)
