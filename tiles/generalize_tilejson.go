package tiles

import (
	"reflect"
	"slices"

	"bando/layers"
)

// Generalization is TileJSON's account of how a layer's tiles are
// generalised (bando's extension): the zoom ranges with one rule each,
// from the layer's min zoom to its max, and the budget.
type Generalization struct {
	// PixelUnits is the tile units in one pixel of the sizes below
	// (a pixel is 1/512 of a tile).
	PixelUnits float64    `json:"pixel_units"`
	Zooms      []GenZooms `json:"zooms"`
	// MaxBytes is the byte budget of one tile of the layer (the server's
	// tile-wide budget, or the layer's own when smaller); MaxFeatures the
	// layer's feature budget, if any. The least visible features go first.
	MaxBytes    int `json:"max_bytes,omitempty"`
	MaxFeatures int `json:"max_features,omitempty"`
}

// GenZooms is the rule of zooms MinZoom..MaxZoom.
type GenZooms struct {
	MinZoom int `json:"minzoom"`
	MaxZoom int `json:"maxzoom"`
	// Generalized is false where the tiles hold every feature in full.
	Generalized bool `json:"generalized"`
	// Mode is "features", "density" (density cells) or "cluster".
	Mode string `json:"mode"`
	// Simplify (Douglas–Peucker tolerance), MinArea and MinLength are in
	// pixels (square pixels for MinArea).
	Simplify  float64 `json:"simplify,omitempty"`
	MinArea   float64 `json:"min_area,omitempty"`
	MinLength float64 `json:"min_length,omitempty"`
	// Cells is the grid of density cells or clusters along a tile side.
	Cells int `json:"cells,omitempty"`
	// Fields are the properties the zoom's features carry when they differ
	// from the layer's: density cells', clusters', or those chosen per zoom.
	Fields []string `json:"fields,omitempty"`
}

// generalization describes layer l's generalisation to p.
func (s *Server) generalization(p layers.Principal, l *layers.Layer) *Generalization {
	g := &Generalization{PixelUnits: float64(s.opts.extent) / PixelsPerTile, MaxBytes: s.opts.tileBytes, MaxFeatures: l.Generalize.MaxFeatures}
	if mb := l.Generalize.MaxBytes; mb > 0 && (g.MaxBytes == 0 || mb < g.MaxBytes) {
		g.MaxBytes = mb
	}
	visible := layers.VisibleFields(p, l)
	for z := l.Zoom.Min; z <= l.Zoom.Max; z++ {
		r := l.GeneralizeAt(z)
		zs := GenZooms{MinZoom: z, MaxZoom: z, Mode: string(r.Mode), Simplify: r.Simplify, MinArea: r.MinArea, MinLength: r.MinLength, Cells: r.Cells}
		zs.Generalized = !reflect.DeepEqual(r, layers.ZoomRule{Mode: layers.ModeFeatures, Sum: -1})
		plan := &genPlan{rule: r}
		kept := plan.fields(visible)
		switch {
		case r.Mode == layers.ModeDensity:
			zs.Fields = []string{"count", "area_share"}
		case r.Mode == layers.ModeCluster:
			zs.Fields = slices.Clone(clusterFields)
			if plan.sumVisible {
				zs.Fields = append(zs.Fields, "sum_"+l.Fields[r.Sum].Name)
			}
			fallthrough
		case r.Keep != nil:
			for _, fi := range kept {
				zs.Fields = append(zs.Fields, l.Fields[fi].Name)
			}
			if zs.Fields == nil {
				zs.Fields = []string{}
			}
		}
		if n := len(g.Zooms); n > 0 && sameRule(g.Zooms[n-1], zs) {
			g.Zooms[n-1].MaxZoom = z
			continue
		}
		g.Zooms = append(g.Zooms, zs)
	}
	return g
}

func sameRule(a, b GenZooms) bool {
	a.MinZoom, a.MaxZoom, b.MinZoom, b.MaxZoom = 0, 0, 0, 0
	return reflect.DeepEqual(a, b)
}
