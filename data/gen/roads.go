package gen

import (
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
)

// RoadsFile is the demo roads file (Overpass JSON), relative to the demo
// data root.
const RoadsFile = "osm_roads.overpass.json.gz"

// Road is one OSM highway way: street lights are placed along it.
type Road struct {
	ID      int64        // OSM way id
	Name    string       // the name tag, may be empty
	Highway string       // the highway tag: primary, residential, …
	Lit     string       // the lit tag: yes, no, 24/7 or empty
	Points  [][2]float64 // lon/lat, in way order
}

// LoadRoads reads the gzip-compressed Overpass roads of the demo data.
func LoadRoads(fsys fs.FS) ([]Road, error) {
	f, err := fsys.Open(RoadsFile)
	if err != nil {
		return nil, fmt.Errorf("gen: %w", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("gen: %s: %w", RoadsFile, err)
	}
	rs, err := DecodeRoads(zr)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", RoadsFile, err)
	}
	return rs, nil
}

type overpassDoc struct {
	Elements []struct {
		Type  string            `json:"type"`
		ID    int64             `json:"id"`
		Lat   float64           `json:"lat"`
		Lon   float64           `json:"lon"`
		Nodes []int64           `json:"nodes"`
		Tags  map[string]string `json:"tags"`
	} `json:"elements"`
}

// DecodeRoads reads Overpass JSON ("out body": nodes, then ways that list
// node ids) and returns the ways tagged highway, in document order. A way
// naming a node that is not in the document is an error.
func DecodeRoads(r io.Reader) ([]Road, error) {
	var doc overpassDoc
	if err := json.NewDecoder(r).Decode(&doc); err != nil {
		return nil, fmt.Errorf("gen: roads: %w", err)
	}
	nodes := map[int64][2]float64{}
	for _, e := range doc.Elements {
		if e.Type == "node" {
			if !lonLat(e.Lon, e.Lat) {
				return nil, fmt.Errorf("gen: roads: node %d: not a lon/lat pair", e.ID)
			}
			nodes[e.ID] = [2]float64{e.Lon, e.Lat}
		}
	}
	var out []Road
	for _, e := range doc.Elements {
		if e.Type != "way" || e.Tags["highway"] == "" {
			continue
		}
		rd := Road{ID: e.ID, Name: e.Tags["name"], Highway: e.Tags["highway"], Lit: e.Tags["lit"]}
		for _, id := range e.Nodes {
			p, ok := nodes[id]
			if !ok {
				return nil, fmt.Errorf("gen: roads: way %d: node %d missing", e.ID, id)
			}
			rd.Points = append(rd.Points, p)
		}
		if len(rd.Points) < 2 {
			return nil, fmt.Errorf("gen: roads: way %d: %d nodes, want at least 2", e.ID, len(rd.Points))
		}
		out = append(out, rd)
	}
	if len(out) == 0 {
		return nil, errors.New("gen: roads: no highway ways")
	}
	return out, nil
}
