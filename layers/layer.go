// Package layers is bando's layer catalog: what each layer is, which fields it
// carries, how sensitive they are, who may see it and how the viewer draws it;
// and the indicators declared on those layers (per admin unit, with a target
// and green / yellow / red thresholds), which spatial/query computes.
package layers

import (
	"fmt"
	"time"

	"gopkg.in/yaml.v3"
)

// Kind says what a layer represents in the province.
type Kind string

// Layer kinds known to the viewer and the scenarios.
const (
	KindAdmin          Kind = "admin"
	KindBuilding       Kind = "building"
	KindRoad           Kind = "road"
	KindPOI            Kind = "poi"
	KindParcel         Kind = "parcel"
	KindPlanning       Kind = "planning"
	KindInfrastructure Kind = "infrastructure"
	KindSensor         Kind = "sensor"
	KindVessel         Kind = "vessel"
	KindVehicle        Kind = "vehicle"
	KindWater          Kind = "water"
	KindMaritime       Kind = "maritime"
)

// GeometryType is the geometry a layer holds. "Polygon" admits MultiPolygon,
// "LineString" admits MultiLineString, "Point" admits MultiPoint.
type GeometryType string

// Geometry types.
const (
	GeomPoint      GeometryType = "Point"
	GeomLineString GeometryType = "LineString"
	GeomPolygon    GeometryType = "Polygon"
	GeomAny        GeometryType = "Geometry"
)

// Title is a bilingual label: Vietnamese first, English second.
type Title struct {
	VI string `yaml:"vi" json:"vi"`
	EN string `yaml:"en" json:"en"`
}

// Zoom is the zoom range in which a layer is served as tiles.
type Zoom struct {
	Min int `yaml:"min" json:"min"`
	Max int `yaml:"max" json:"max"`
}

// Style holds hints for the viewer; it does not change what is served.
type Style struct {
	Color       string  `yaml:"color,omitempty" json:"color,omitempty"`
	Outline     string  `yaml:"outline,omitempty" json:"outline,omitempty"`
	Opacity     float64 `yaml:"opacity,omitempty" json:"opacity,omitempty"`
	Width       float64 `yaml:"width,omitempty" json:"width,omitempty"`
	Radius      float64 `yaml:"radius,omitempty" json:"radius,omitempty"`
	Label       string  `yaml:"label,omitempty" json:"label,omitempty"`
	Extrude     string  `yaml:"extrude,omitempty" json:"extrude,omitempty"`
	Order       int     `yaml:"order,omitempty" json:"order,omitempty"`
	LegendVI    string  `yaml:"legend_vi,omitempty" json:"legend_vi,omitempty"`
	LegendEN    string  `yaml:"legend_en,omitempty" json:"legend_en,omitempty"`
	DefaultHide bool    `yaml:"hidden,omitempty" json:"hidden,omitempty"`
	// View is the lon/lat box [w, s, e, n] the viewer opens on; the first
	// admin layer with a View sets it, else the admin layers' extent does.
	View []float64 `yaml:"view,omitempty" json:"view,omitempty"`
	// Basemap marks a layer of the basemap: the viewer draws it below
	// every thematic layer, in a light or a dark variant, and lists it
	// under its own group. Every screen shows it, so it must be public.
	Basemap bool `yaml:"basemap,omitempty" json:"basemap,omitempty"`
}

// Steward names who keeps a layer correct and current: the department
// (sở, ban, ngành) and a contact (an e-mail address or a phone number).
type Steward struct {
	Department string `yaml:"department" json:"department"`
	Contact    string `yaml:"contact,omitempty" json:"contact,omitempty"`
}

// MaxExpected bounds the expected fields of a layer: quality keeps what a
// feature lacks as one bit per expected field.
const MaxExpected = 64

// Layer is one entry of the catalog.
type Layer struct {
	ID          string        `yaml:"id" json:"id"`
	Title       Title         `yaml:"title" json:"title"`
	Description Title         `yaml:"description,omitempty" json:"description,omitempty"`
	Kind        Kind          `yaml:"kind" json:"kind"`
	Geometry    GeometryType  `yaml:"geometry" json:"geometry"`
	Fields      []Field       `yaml:"fields" json:"fields"`
	Access      Access        `yaml:"access" json:"access"`
	Zoom        Zoom          `yaml:"zoom" json:"zoom"`
	Update      time.Duration `yaml:"update_interval,omitempty" json:"update_interval,omitempty"`
	Attribution string        `yaml:"attribution" json:"attribution"`
	Source      string        `yaml:"source,omitempty" json:"source,omitempty"`
	License     string        `yaml:"license,omitempty" json:"license,omitempty"`
	Synthetic   bool          `yaml:"synthetic" json:"synthetic"`
	Style       Style         `yaml:"style,omitempty" json:"style,omitempty"`
	// Time names the field of type time that dates each feature: the one
	// OGC API's datetime parameter filters on. Empty: the layer is not
	// dated, and datetime is refused.
	Time string `yaml:"time,omitempty" json:"time,omitempty"`
	// Steward is the department that keeps the layer correct and current;
	// liveness (package quality) measures its last write against Update.
	Steward Steward `yaml:"steward,omitempty" json:"steward,omitempty"`
	// Demo names the embedded demo file loaded into this layer on a new data
	// directory, if any.
	Demo string `yaml:"demo,omitempty" json:"-"`
	// Archive names a PMTiles or MBTiles file (from `bando export`) whose
	// tiles `bando serve` serves for this layer instead of rendering the
	// index; a relative path is relative to the working directory.
	Archive string `yaml:"archive,omitempty" json:"-"`
	// Generalize declares the generalisation of the layer's tiles below
	// its maximum zoom (generalize.go).
	// TileJSON states it per zoom (the "generalization" object).
	Generalize Generalize `yaml:"generalize,omitempty" json:"-"`

	fieldIndex map[string]int
}

// Live reports whether the layer holds live objects (vessels, vehicles,
// sensors) whose features change by the second.
func (l *Layer) Live() bool {
	return l.Kind == KindVessel || l.Kind == KindVehicle || l.Kind == KindSensor
}

// FieldIndex returns the position of the named field in Fields, or -1.
func (l *Layer) FieldIndex(name string) int {
	if i, ok := l.fieldIndex[name]; ok {
		return i
	}
	return -1
}

// Validate checks the declaration and builds the field lookup.
func (l *Layer) Validate() error {
	if !validID(l.ID) {
		return fmt.Errorf("layers: layer id %q: use lower-case letters, digits, '_' or '-'", l.ID)
	}
	if l.Title.VI == "" || l.Title.EN == "" {
		return fmt.Errorf("layers: layer %q: title needs both vi and en", l.ID)
	}
	switch l.Geometry {
	case GeomPoint, GeomLineString, GeomPolygon, GeomAny:
	default:
		return fmt.Errorf("layers: layer %q: unknown geometry %q", l.ID, l.Geometry)
	}
	if !l.Access.valid() {
		return fmt.Errorf("layers: layer %q: unknown access class %q", l.ID, l.Access)
	}
	if l.Zoom.Min < 0 || l.Zoom.Max > 24 || l.Zoom.Min > l.Zoom.Max {
		return fmt.Errorf("layers: layer %q: bad zoom range %d..%d", l.ID, l.Zoom.Min, l.Zoom.Max)
	}
	if v := l.Style.View; v != nil && (len(v) != 4 || v[0] < -180 || v[2] > 180 || v[1] < -90 || v[3] > 90 || v[0] >= v[2] || v[1] >= v[3]) {
		return fmt.Errorf("layers: layer %q: style.view must be [west, south, east, north] in lon/lat", l.ID)
	}
	if l.Style.Basemap && l.Access != Public {
		return fmt.Errorf("layers: layer %q: a basemap layer (style.basemap) must be public, not %s", l.ID, l.Access)
	}
	if l.Attribution == "" {
		return fmt.Errorf("layers: layer %q: attribution is required", l.ID)
	}
	if err := l.validateQuality(); err != nil {
		return fmt.Errorf("layers: layer %q: %w", l.ID, err)
	}
	l.fieldIndex = make(map[string]int, len(l.Fields))
	for i := range l.Fields {
		f := &l.Fields[i]
		if err := f.validate(); err != nil {
			return fmt.Errorf("layers: layer %q: %w", l.ID, err)
		}
		if _, dup := l.fieldIndex[f.Name]; dup {
			return fmt.Errorf("layers: layer %q: field %q declared twice", l.ID, f.Name)
		}
		l.fieldIndex[f.Name] = i
	}
	if l.Time != "" {
		if i := l.FieldIndex(l.Time); i < 0 || l.Fields[i].Type != TypeTime {
			return fmt.Errorf("layers: layer %q: time %q must name a field of type time", l.ID, l.Time)
		}
	}
	if n := len(l.Expected()); n > MaxExpected {
		return fmt.Errorf("layers: layer %q: %d expected fields, at most %d", l.ID, n, MaxExpected)
	}
	if err := l.validateGeneralize(); err != nil {
		return fmt.Errorf("layers: layer %q: %w", l.ID, err)
	}
	return nil
}

func validID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, r := range id {
		ok := r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '-'
		if !ok {
			return false
		}
	}
	return true
}

// UnmarshalYAML reads {vi: …, en: …} and refuses any other key: an
// unquoted comma in a flow mapping ({vi: Công trình, nhà, en: …}) splits
// the text into a stray key, which must be an error, not a cut title.
func (t *Title) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if k := n.Content[i].Value; k != "vi" && k != "en" {
				return fmt.Errorf("line %d: title key %q: want vi and en only (quote text that holds a comma)", n.Content[i].Line, k)
			}
		}
	}
	type plain Title
	return n.Decode((*plain)(t))
}
