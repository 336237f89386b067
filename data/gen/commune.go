package gen

import (
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"

	"github.com/paulmach/orb"
)

// CommunesFile is the demo communes file, relative to the demo data root.
const CommunesFile = "communes.geojson.gz"

// Commune is an administrative unit parcels are placed in.
type Commune struct {
	Code    string           // official 5-digit code, e.g. "26734"
	Name    string           // full Vietnamese name, e.g. "Phường Sài Gòn"
	Type    string           // Phường, Xã or Đặc khu; decides the land-use mix
	Polygon orb.MultiPolygon // WGS84 lon/lat
}

// LoadCommunes reads the gzip-compressed communes GeoJSON of the demo data
// (data.Demo()), so parcels can be generated from the binary alone.
func LoadCommunes(fsys fs.FS) ([]Commune, error) {
	f, err := fsys.Open(CommunesFile)
	if err != nil {
		return nil, fmt.Errorf("gen: %w", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("gen: %s: %w", CommunesFile, err)
	}
	cs, err := DecodeCommunes(zr)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", CommunesFile, err)
	}
	return cs, nil
}

type geoJSONCommunes struct {
	Features []struct {
		Properties struct {
			Code string `json:"code"`
			Name string `json:"name"`
			Type string `json:"type"`
		} `json:"properties"`
		Geometry *struct {
			Type        string          `json:"type"`
			Coordinates json.RawMessage `json:"coordinates"`
		} `json:"geometry"`
	} `json:"features"`
}

// DecodeCommunes reads a GeoJSON FeatureCollection of Polygon or
// MultiPolygon features with properties code, name and type.
func DecodeCommunes(r io.Reader) ([]Commune, error) {
	var fc geoJSONCommunes
	if err := json.NewDecoder(r).Decode(&fc); err != nil {
		return nil, fmt.Errorf("gen: communes: %w", err)
	}
	if len(fc.Features) == 0 {
		return nil, errors.New("gen: communes: no features")
	}
	out := make([]Commune, 0, len(fc.Features))
	for i, f := range fc.Features {
		c := Commune{Code: f.Properties.Code, Name: f.Properties.Name, Type: f.Properties.Type}
		if c.Code == "" {
			return nil, fmt.Errorf("gen: communes: feature %d: no code", i)
		}
		if f.Geometry == nil {
			return nil, fmt.Errorf("gen: communes: feature %d (%s): no geometry", i, c.Code)
		}
		mp, err := decodePolygonal(f.Geometry.Type, f.Geometry.Coordinates)
		if err != nil {
			return nil, fmt.Errorf("gen: communes: feature %d (%s): %w", i, c.Code, err)
		}
		c.Polygon = mp
		out = append(out, c)
	}
	return out, nil
}

func decodePolygonal(typ string, raw json.RawMessage) (orb.MultiPolygon, error) {
	var polys [][][][]float64
	switch typ {
	case "Polygon":
		var p [][][]float64
		if err := json.Unmarshal(raw, &p); err != nil {
			return nil, fmt.Errorf("coordinates of Polygon: %w", err)
		}
		polys = [][][][]float64{p}
	case "MultiPolygon":
		if err := json.Unmarshal(raw, &polys); err != nil {
			return nil, fmt.Errorf("coordinates of MultiPolygon: %w", err)
		}
	default:
		return nil, fmt.Errorf("geometry %q: want Polygon or MultiPolygon", typ)
	}
	mp := make(orb.MultiPolygon, 0, len(polys))
	for i, p := range polys {
		if len(p) == 0 {
			return nil, fmt.Errorf("polygon %d: no rings", i)
		}
		poly := make(orb.Polygon, 0, len(p))
		for j, ring := range p {
			if len(ring) < 4 {
				return nil, fmt.Errorf("polygon %d ring %d: %d positions, want at least 4", i, j, len(ring))
			}
			rr := make(orb.Ring, len(ring))
			for k, pos := range ring {
				if len(pos) < 2 || !lonLat(pos[0], pos[1]) {
					return nil, fmt.Errorf("polygon %d ring %d position %d: not a lon/lat pair", i, j, k)
				}
				rr[k] = orb.Point{pos[0], pos[1]}
			}
			if rr[0] != rr[len(rr)-1] {
				return nil, fmt.Errorf("polygon %d ring %d: not closed", i, j)
			}
			poly = append(poly, rr)
		}
		mp = append(mp, poly)
	}
	if len(mp) == 0 {
		return nil, errors.New("empty MultiPolygon")
	}
	return mp, nil
}

func lonLat(x, y float64) bool {
	return x >= -180 && x <= 180 && y >= -90 && y <= 90 && !math.IsNaN(x) && !math.IsNaN(y)
}
