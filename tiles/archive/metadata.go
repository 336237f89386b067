package archive

import (
	"encoding/json"
	"fmt"
	"math"
)

// Metadata describes an archive as TileJSON does: the PMTiles metadata
// JSON and the MBTiles metadata table both carry it.
type Metadata struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Attribution string `json:"attribution,omitempty"`
	// Type is "overlay" (bando's layers lie over a base map) or "baselayer".
	Type    string `json:"type,omitempty"`
	Version string `json:"version,omitempty"`
	// Bounds are west, south, east, north; Center is lon, lat, zoom.
	Bounds           [4]float64    `json:"bounds"`
	Center           [3]float64    `json:"center"`
	MinZoom, MaxZoom int           `json:"-"`
	VectorLayers     []VectorLayer `json:"vector_layers"`
	Generator        string        `json:"generator,omitempty"`
	// Clearance is the access class of the principal the tiles were
	// rendered for ("public" unless the exporter asked otherwise): serving
	// the archive to principals below it would leak what it holds.
	Clearance string `json:"bando:clearance,omitempty"`
	// Layers are the bando layers the tiles were rendered from.
	Layers []string `json:"bando:layers,omitempty"`
}

// VectorLayer is one layer of the tiles, as in TileJSON 3.0: the same
// fields as tiles.VectorLayer, so one converts to the other.
type VectorLayer struct {
	ID          string            `json:"id"`
	Description string            `json:"description"`
	MinZoom     int               `json:"minzoom"`
	MaxZoom     int               `json:"maxzoom"`
	Fields      map[string]string `json:"fields"`
}

// MarshalJSON writes the metadata with "minzoom" and "maxzoom".
func (m Metadata) MarshalJSON() ([]byte, error) {
	type plain Metadata
	return json.Marshal(struct {
		plain
		MinZoom int `json:"minzoom"`
		MaxZoom int `json:"maxzoom"`
	}{plain(m), m.MinZoom, m.MaxZoom})
}

// UnmarshalJSON reads what MarshalJSON writes, and the metadata of other
// tools' archives (unknown keys are ignored).
func (m *Metadata) UnmarshalJSON(b []byte) error {
	type plain Metadata
	var v struct {
		plain
		MinZoom *int `json:"minzoom"`
		MaxZoom *int `json:"maxzoom"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*m = Metadata(v.plain)
	if v.MinZoom != nil {
		m.MinZoom = *v.MinZoom
	}
	if v.MaxZoom != nil {
		m.MaxZoom = *v.MaxZoom
	}
	return nil
}

// check refuses metadata the header cannot hold.
func (m Metadata) check() error {
	switch {
	case m.MinZoom < 0 || m.MinZoom > m.MaxZoom || m.MaxZoom > maxZoom:
		return fmt.Errorf("archive: zoom range %d..%d", m.MinZoom, m.MaxZoom)
	case m.Bounds[0] < -180 || m.Bounds[2] > 180 || m.Bounds[1] < -90 || m.Bounds[3] > 90 ||
		m.Bounds[0] > m.Bounds[2] || m.Bounds[1] > m.Bounds[3]:
		return fmt.Errorf("archive: bounds %v: want west, south, east, north in degrees", m.Bounds)
	}
	return nil
}

// toE7 converts degrees to the header's fixed point.
func toE7(v float64) int32 { return int32(math.Round(v * 1e7)) }
