package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"bando/tiles"

	"github.com/paulmach/orb"
)

func TestOGCAPITiles(t *testing.T) {
	s := newInvalidatingServer(t)
	here := orb.Point{106.7, 10.8}
	putPOI(t, s, "a", here)
	getJSON := func(target string, v any) int {
		t.Helper()
		r := call(s, "GET", target, "", "", "")
		if r.Status == 200 {
			if err := json.Unmarshal(r.Body, v); err != nil {
				t.Fatalf("%s: %v", target, err)
			}
		}
		return r.Status
	}

	var tms struct {
		ID           string
		CRS          string
		TileMatrices []struct {
			ID                        string
			MatrixWidth, MatrixHeight int
			ScaleDenominator          float64
		}
	}
	if st := getJSON("/tileMatrixSets/WebMercatorQuad", &tms); st != 200 || tms.ID != "WebMercatorQuad" ||
		len(tms.TileMatrices) != tiles.MaxZoom+1 || tms.TileMatrices[3].MatrixWidth != 8 || tms.TileMatrices[3].ID != "3" {
		t.Fatalf("tile matrix set: %d %+v", st, tms)
	}
	if st := getJSON("/tileMatrixSets/WorldCRS84Quad", &tms); st != 404 {
		t.Errorf("unknown tile matrix set: %d", st)
	}

	var sets struct {
		Tilesets []struct {
			DataType string
			Links    []struct{ Href, Rel, Type string }
		}
	}
	if st := getJSON("/collections/pois/tiles", &sets); st != 200 || len(sets.Tilesets) != 1 || sets.Tilesets[0].DataType != "vector" {
		t.Fatalf("tilesets: %d %+v", st, sets)
	}
	var item string
	for _, l := range sets.Tilesets[0].Links {
		if l.Rel == "item" {
			item = l.Href
		}
	}
	if item != "http://test/collections/pois/tiles/WebMercatorQuad/{tileMatrix}/{tileRow}/{tileCol}" {
		t.Errorf("item link %q", item)
	}

	var ts struct {
		Limits []struct {
			TileMatrix                                     string
			MinTileRow, MaxTileRow, MinTileCol, MaxTileCol int
		} `json:"tileMatrixSetLimits"`
		Layers []struct{ ID string }
	}
	if st := getJSON("/collections/pois/tiles/WebMercatorQuad", &ts); st != 200 || len(ts.Layers) != 1 || len(ts.Limits) == 0 {
		t.Fatalf("tileset: %d %+v", st, ts)
	}
	for _, l := range ts.Limits {
		var z int
		fmt.Sscan(l.TileMatrix, &z)
		c := tiles.CoordOf(here, z)
		if c.X < l.MinTileCol || c.X > l.MaxTileCol || c.Y < l.MinTileRow || c.Y > l.MaxTileRow {
			t.Errorf("z%d limits %+v leave out the feature's tile %v", z, l, c)
		}
	}

	// The OGC tile z/y/x is the XYZ tile z/x/y, byte for byte, in both formats.
	c := tiles.CoordOf(here, 12)
	for _, f := range []struct{ ogc, xyz string }{{"", ".mvt"}, {"?f=mlt", ".mlt"}} {
		ogc := call(s, "GET", fmt.Sprintf("/collections/pois/tiles/WebMercatorQuad/12/%d/%d%s", c.Y, c.X, f.ogc), "", "", "")
		xyz := call(s, "GET", fmt.Sprintf("/tiles/pois/12/%d/%d%s", c.X, c.Y, f.xyz), "", "", "")
		if ogc.Status != 200 || xyz.Status != 200 || !bytes.Equal(ogc.Body, xyz.Body) || ogc.Header.Get("Etag") != xyz.Header.Get("Etag") {
			t.Errorf("%s: OGC tile %d (%d bytes) differs from XYZ tile %d (%d bytes)", f.xyz, ogc.Status, len(ogc.Body), xyz.Status, len(xyz.Body))
		}
	}
	if r := call(s, "GET", fmt.Sprintf("/tiles/WebMercatorQuad/12/%d/%d", c.Y, c.X), "", "", ""); r.Status != 200 {
		t.Errorf("dataset tile: %d", r.Status)
	}
	for _, bad := range []string{"/collections/pois/tiles/WebMercatorQuad/12/x/1", "/collections/pois/tiles/WebMercatorQuad/40/0/0",
		"/collections/nope/tiles", "/collections/pois/tiles/Other/1/0/0"} {
		if r := call(s, "GET", bad, "", "", ""); r.Status != 400 && r.Status != 404 {
			t.Errorf("%s: %d, want 400 or 404", bad, r.Status)
		}
	}
	var conf struct{ ConformsTo []string }
	getJSON("/conformance", &conf)
	if !slices.Contains(conf.ConformsTo, "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/core") {
		t.Errorf("conformance lacks OGC API – Tiles core: %v", conf.ConformsTo)
	}
}
