package tiles

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"bando/layers"
)

// AggTileJSON is the TileJSON 3.0.0 document of an aggregate tileset: the
// layer's document (bounds, centre, attribution) with the aggregate tiles'
// URL, zooms and fields, and what a client must know to read them:
// the figure, the H3 resolution of every zoom, and k.
type AggTileJSON struct {
	TileJSON
	// Kind is "h3" or "heat".
	Kind AggKind `json:"aggregate_kind"`
	// Aggregate is the figure, as agg= writes it: "count", "sum:FIELD",
	// "avg:FIELD".
	Aggregate string `json:"aggregate"`
	// H3Resolution maps each zoom ("0".."22") to the resolution of its
	// cells.
	H3Resolution map[string]int `json:"h3_resolution"`
	// MinCount is k for the principal that asked: cells with fewer
	// features are not in the tiles.
	MinCount int `json:"min_count"`
	// Suppression says so in words.
	Suppression string `json:"suppression"`
}

// AggregateTileJSON returns the TileJSON document of the aggregate tiles of
// kind k over a layer with figure agg, for p (at
// baseURL/tiles/{k}/{layer}.json). Errors are AggregateTile's.
func (s *Server) AggregateTileJSON(p layers.Principal, k AggKind, layerID, agg, baseURL string) ([]byte, error) {
	_, l, a, err := s.aggRequest(p, k, layerID, agg, 0, 0, 0)
	if err != nil {
		return nil, err
	}
	base, err := s.TileJSON(p, l.ID, baseURL)
	if err != nil {
		return nil, err
	}
	var doc AggTileJSON
	if err := json.Unmarshal(base, &doc.TileJSON); err != nil {
		return nil, fmt.Errorf("tiles: aggregate tilejson %s: %w", l.ID, err)
	}
	figure := aggFigure(a)
	u := strings.TrimRight(baseURL, "/") + "/tiles/" + string(k) + "/" + l.ID + "/{z}/{x}/{y}" + PathSuffix
	if a.Op != "count" {
		u += "?agg=" + string(a.Op) + ":" + url.QueryEscape(a.Field)
	}
	doc.Tiles = []string{u}
	doc.MinZoom, doc.MaxZoom = 0, AggMaxZoom
	// The layer's own zooms bound its centre zoom; aggregates show at all.
	bb := orb.Bound{Min: orb.Point{doc.Bounds[0], doc.Bounds[1]}, Max: orb.Point{doc.Bounds[2], doc.Bounds[3]}}
	doc.Center[2] = float64(centerZoom(bb, layers.Zoom{Min: 0, Max: AggMaxZoom}))
	fields := map[string]string{"count": "Number"}
	desc := "H3 hexagons of " + l.ID + ": " + figure + " per cell (property value; h3 is the cell id)"
	if k == AggHeat {
		desc = "points of " + l.ID + " per fine H3 cell, weight = " + figure + ", for heatmap layers"
		fields["weight"] = "Number"
	} else {
		fields["h3"], fields["value"] = "String", "Number"
	}
	doc.Name = doc.Name + " (" + string(k) + ", " + figure + ")"
	doc.Description = desc
	doc.VectorLayers = []VectorLayer{{ID: l.ID, Description: desc, MinZoom: 0, MaxZoom: AggMaxZoom, Fields: fields}}
	doc.Kind, doc.Aggregate = k, figure
	doc.H3Resolution = make(map[string]int, AggMaxZoom+1)
	for z := 0; z <= AggMaxZoom; z++ {
		doc.H3Resolution[strconv.Itoa(z)] = AggRes(k, z)
	}
	doc.MinCount = s.MinCount(p)
	doc.Suppression = "cells with fewer than " + strconv.Itoa(doc.MinCount) + " features are left out"
	if doc.MinCount > 1 {
		doc.Suppression += " for anonymous clients; authenticated clients see every non-empty cell"
	}
	out, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("tiles: aggregate tilejson %s: %w", l.ID, err)
	}
	return out, nil
}
