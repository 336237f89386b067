package layers

import (
	"fmt"
	"slices"
)

// Generalize declares how a layer's tiles are generalised at zooms below
// its maximum (the tiles package applies it; at the maximum zoom a tile
// always holds every feature it meets, in full). Sizes are in tile pixels:
// one pixel is 1/512 of a tile's width, the size MapLibre draws a vector
// tile at. A key left out takes the default of the layer's geometry and
// kind (see GeneralizeAt); an explicit 0 turns a rule off.
type Generalize struct {
	// Simplify is the Douglas–Peucker tolerance in pixels (default 0.125:
	// one unit of a 4096-unit tile).
	Simplify *float64 `yaml:"simplify,omitempty" json:"simplify,omitempty"`
	// MinArea drops polygons smaller than this many square pixels
	// (default 1 for polygon layers).
	MinArea *float64 `yaml:"min_area,omitempty" json:"min_area,omitempty"`
	// MinLength drops lines shorter than this many pixels (default 1 for
	// line layers).
	MinLength *float64 `yaml:"min_length,omitempty" json:"min_length,omitempty"`
	// Density shows zooms below Density.Below as a grid of density cells
	// (default below zoom 12 for parcel and building polygon layers).
	Density *Density `yaml:"density,omitempty" json:"density,omitempty"`
	// Cluster groups points at zooms below Cluster.Below (no default).
	Cluster *Cluster `yaml:"cluster,omitempty" json:"cluster,omitempty"`
	// Fields chooses the attributes per zoom: at a zoom below a rule's
	// Below, only its Keep fields are written (the rule with the smallest
	// Below that applies wins). No rule: every visible field.
	Fields []ZoomFields `yaml:"fields,omitempty" json:"fields,omitempty"`
	// MaxBytes and MaxFeatures bound one tile's layer (0: only the
	// server's tile-wide budget); the least visible features go first.
	MaxBytes    int `yaml:"max_bytes,omitempty" json:"max_bytes,omitempty"`
	MaxFeatures int `yaml:"max_features,omitempty" json:"max_features,omitempty"`
}

// Density replaces a layer of many small touching polygons, at low zooms,
// by a grid of square cells per tile, each carrying how many features have
// their centre in it ("count") and the share of the cell their bounding
// boxes cover ("area_share", at most 1): the province-wide view shows where
// the parcels are instead of nothing.
type Density struct {
	// Below is the first zoom that shows the features themselves.
	Below int `yaml:"below" json:"below"`
	// Cells is the number of cells along a tile's side (default 64).
	Cells int `yaml:"cells,omitempty" json:"cells,omitempty"`
}

// Cluster groups the points of a cell of a grid per tile, at low zooms,
// into one point carrying "point_count" and, for a declared numeric field
// Sum, "sum_<field>". A cell holding one point shows the point itself.
type Cluster struct {
	// Below is the first zoom that shows every point.
	Below int `yaml:"below" json:"below"`
	// Cells is the number of cells along a tile's side (default 16: cells
	// of 32 pixels).
	Cells int `yaml:"cells,omitempty" json:"cells,omitempty"`
	// Sum names a numeric field whose values a cluster adds up.
	Sum string `yaml:"sum,omitempty" json:"sum,omitempty"`
}

// ZoomFields keeps only some attributes at zooms below Below.
type ZoomFields struct {
	Below int      `yaml:"below" json:"below"`
	Keep  []string `yaml:"keep" json:"keep"`
}

// Generalisation defaults and limits.
const (
	DefaultSimplify     = 0.125
	DefaultMinArea      = 1.0
	DefaultMinLength    = 1.0
	DefaultDensityBelow = 12
	DefaultDensityCells = 64
	DefaultClusterCells = 16
	// MaxGeneralizedZoom bounds Density.Below and Cluster.Below: cell ids
	// pack the zoom in four bits (see tiles/cluster.go).
	MaxGeneralizedZoom = 16
	// MaxCells bounds the cells along a tile's side.
	MaxCells = 256
)

// Mode is how a zoom of a layer is drawn.
type Mode string

// Modes of a zoom.
const (
	ModeFeatures Mode = "features" // the features, simplified and filtered
	ModeDensity  Mode = "density"  // density cells
	ModeCluster  Mode = "cluster"  // clustered points
)

// ZoomRule is the generalisation in force at one zoom of a layer.
type ZoomRule struct {
	Mode Mode
	// Simplify, MinArea and MinLength are in pixels (square pixels for
	// MinArea); all 0 at and above the layer's maximum zoom.
	Simplify, MinArea, MinLength float64
	// Cells is the grid of density cells or clusters along a tile side.
	Cells int
	// Sum is the index of the field clusters add up, or -1.
	Sum int
	// Keep lists the fields written (indexes into Fields), nil for all.
	Keep []int
}

// GeneralizeAt returns the rule for tiles of zoom z, defaults applied.
func (l *Layer) GeneralizeAt(z int) ZoomRule {
	r := ZoomRule{Mode: ModeFeatures, Sum: -1}
	if z >= l.Zoom.Max {
		return r
	}
	g := l.Generalize
	r.Simplify = orDefault(g.Simplify, DefaultSimplify)
	if l.Geometry == GeomPolygon || l.Geometry == GeomAny {
		r.MinArea = orDefault(g.MinArea, DefaultMinArea)
	}
	if l.Geometry == GeomLineString || l.Geometry == GeomAny {
		r.MinLength = orDefault(g.MinLength, DefaultMinLength)
	}
	if d := l.density(); d != nil && z < d.Below {
		r.Mode, r.Cells = ModeDensity, d.Cells
	}
	if c := g.Cluster; c != nil && z < c.Below {
		r.Mode, r.Cells, r.Sum = ModeCluster, c.Cells, l.FieldIndex(c.Sum)
	}
	best := -1
	for i, f := range g.Fields {
		if z < f.Below && (best < 0 || f.Below < g.Fields[best].Below) {
			best = i
		}
	}
	if best >= 0 {
		r.Keep = []int{}
		for _, name := range g.Fields[best].Keep {
			r.Keep = append(r.Keep, l.FieldIndex(name))
		}
		slices.Sort(r.Keep)
	}
	return r
}

// density returns the density rule, the default one for parcel and
// building polygon layers, or nil.
func (l *Layer) density() *Density {
	if d := l.Generalize.Density; d != nil {
		return d
	}
	if l.Geometry == GeomPolygon && (l.Kind == KindParcel || l.Kind == KindBuilding) {
		return &Density{Below: min(DefaultDensityBelow, l.Zoom.Max), Cells: DefaultDensityCells}
	}
	return nil
}

func orDefault(p *float64, d float64) float64 {
	if p == nil {
		return d
	}
	return *p
}

// validateGeneralize checks the declaration against the layer and fills
// the cell defaults. It runs after the field lookup is built.
func (l *Layer) validateGeneralize() error {
	g := &l.Generalize
	for _, s := range []struct {
		name string
		v    *float64
		max  float64
	}{{"simplify", g.Simplify, 64}, {"min_area", g.MinArea, 1 << 20}, {"min_length", g.MinLength, 4096}} {
		if s.v != nil && !(*s.v >= 0 && *s.v <= s.max) {
			return fmt.Errorf("generalize.%s %v: want 0..%v pixels", s.name, *s.v, s.max)
		}
	}
	if d := g.Density; d != nil {
		if l.Geometry != GeomPolygon && l.Geometry != GeomAny {
			return fmt.Errorf("generalize.density: the layer holds %s, not polygons", l.Geometry)
		}
		if err := l.checkGrid("density", d.Below, &d.Cells, DefaultDensityCells); err != nil {
			return err
		}
	}
	if c := g.Cluster; c != nil {
		if l.Geometry != GeomPoint {
			return fmt.Errorf("generalize.cluster: the layer holds %s, not points", l.Geometry)
		}
		if err := l.checkGrid("cluster", c.Below, &c.Cells, DefaultClusterCells); err != nil {
			return err
		}
		if c.Sum != "" {
			i := l.FieldIndex(c.Sum)
			if i < 0 || l.Fields[i].Type != TypeInt && l.Fields[i].Type != TypeFloat {
				return fmt.Errorf("generalize.cluster.sum %q: want a field of type int or float", c.Sum)
			}
		}
	}
	seen := map[int]bool{}
	for _, f := range g.Fields {
		if f.Below <= l.Zoom.Min || f.Below > l.Zoom.Max || seen[f.Below] {
			return fmt.Errorf("generalize.fields below %d: want distinct zooms in %d..%d", f.Below, l.Zoom.Min+1, l.Zoom.Max)
		}
		seen[f.Below] = true
		for _, name := range f.Keep {
			if l.FieldIndex(name) < 0 {
				return fmt.Errorf("generalize.fields below %d: unknown field %q", f.Below, name)
			}
		}
	}
	if g.MaxBytes < 0 || g.MaxFeatures < 0 {
		return fmt.Errorf("generalize: max_bytes and max_features must not be negative")
	}
	return nil
}

// checkGrid checks a density or cluster grid: below within the layer's
// zooms (never above its maximum, where tiles hold every feature) and the
// generalisable ones, and the cells along a side.
func (l *Layer) checkGrid(name string, below int, cells *int, def int) error {
	if below < 0 || below > l.Zoom.Max || below > MaxGeneralizedZoom {
		return fmt.Errorf("generalize.%s.below %d: want 0..%d (the layer's max zoom, at most %d)", name, below, l.Zoom.Max, MaxGeneralizedZoom)
	}
	if *cells == 0 {
		*cells = def
	}
	if *cells < 1 || *cells > MaxCells {
		return fmt.Errorf("generalize.%s.cells %d: want 1..%d", name, *cells, MaxCells)
	}
	return nil
}
