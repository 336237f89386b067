package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"bando/internal/testenv"
)

// TestTilesMatchItems fetches demo tiles at each layer's max zoom over real
// features, decodes them with Mapbox's reference decoder (tools/mvtcheck),
// and checks that each tile holds exactly the features that /items returns
// for the tile's buffered bounds (which TestItemsMatchPostGIS ties to
// PostGIS), with their ids and public properties.
func TestTilesMatchItems(t *testing.T) {
	node := testenv.Node(t)
	decoder, _ := filepath.Abs("../../tools/mvtcheck/decode.js")
	if _, err := os.Stat(filepath.Join(filepath.Dir(decoder), "node_modules", "@mapbox")); err != nil {
		testenv.Missing(t, "tools/mvtcheck/node_modules (run `make tools`)")
	}
	dir := t.TempDir()
	srv := startServer(t, dir+"/var", writeConfig(t, dir, ""))
	var tj struct {
		MaxZoom int `json:"maxzoom"`
		Buffer  int `json:"buffer"`
		Extent  int `json:"extent"`
	}
	checked := 0
	for _, layer := range []string{"communes", "buildings", "roads", "railways", "ports", "coastline"} {
		srv.getJSON("/tiles/"+layer+".json", "", &tj)
		var fc featureCollection
		srv.getJSON("/collections/"+layer+"/items?limit=400", "", &fc)
		for i := 0; i < len(fc.Features); i += max(1, len(fc.Features)/4) {
			lon, lat := firstCoord(t, fc.Features[i].Geometry)
			z := tj.MaxZoom
			x, y := tileOf(lon, lat, z)
			st, _, body := srv.do("GET", fmt.Sprintf("/tiles/%s/%d/%d/%d.mvt", layer, z, x, y), "", "", nil)
			if st != 200 {
				t.Fatalf("%s %d/%d/%d: status %d", layer, z, x, y, st)
			}
			file := filepath.Join(dir, fmt.Sprintf("%s-%d.mvt", layer, i))
			os.WriteFile(file, body, 0o644)
			out, err := exec.Command(node, decoder, file).Output()
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			var decoded []struct {
				Layers map[string]struct {
					Extent   int `json:"extent"`
					Features []struct {
						ID         json.Number    `json:"id"`
						Properties map[string]any `json:"properties"`
					} `json:"features"`
				} `json:"layers"`
			}
			if err := json.Unmarshal(out, &decoded); err != nil {
				t.Fatal(err)
			}
			got := map[string]map[string]any{}
			for _, f := range decoded[0].Layers[layer].Features {
				got[f.ID.String()] = f.Properties
			}
			b := bufferedBounds(z, x, y, float64(tj.Buffer)/float64(tj.Extent))
			bbox := fmt.Sprintf("%.9f,%.9f,%.9f,%.9f", b[0], b[1], b[2], b[3])
			var want featureCollection
			srv.getJSON("/collections/"+layer+"/items?limit=10000&bbox="+bbox, "", &want)
			var wantIDs, gotIDs []string
			for _, f := range want.Features {
				id := fmt.Sprint(f.ID)
				wantIDs = append(wantIDs, id)
				if p, ok := got[id]; ok && !sameProps(p, f.Properties) {
					t.Errorf("%s tile %d/%d/%d feature %s: tile props %v, items %v", layer, z, x, y, id, p, f.Properties)
				}
			}
			for id := range got {
				gotIDs = append(gotIDs, id)
			}
			slices.Sort(wantIDs)
			slices.Sort(gotIDs)
			if !slices.Equal(wantIDs, gotIDs) {
				t.Fatalf("%s tile %d/%d/%d: tile has %d features, items in buffered bounds %d\ntile-only %v\nitems-only %v",
					layer, z, x, y, len(gotIDs), len(wantIDs), diff(gotIDs, wantIDs), diff(wantIDs, gotIDs))
			}
			checked++
		}
	}
	if checked < 10 {
		t.Fatalf("only %d tiles checked", checked)
	}
}

func firstCoord(t *testing.T, g json.RawMessage) (float64, float64) {
	var v struct {
		Coordinates json.RawMessage `json:"coordinates"`
	}
	json.Unmarshal(g, &v)
	var any0 any
	json.Unmarshal(v.Coordinates, &any0)
	for {
		a, ok := any0.([]any)
		if !ok || len(a) == 0 {
			t.Fatalf("no coordinates in %s", g)
		}
		if x, ok := a[0].(float64); ok {
			return x, a[1].(float64)
		}
		any0 = a[0]
	}
}

func tileOf(lon, lat float64, z int) (int, int) {
	n := math.Exp2(float64(z))
	x := int((lon + 180) / 360 * n)
	r := lat * math.Pi / 180
	y := int((1 - math.Log(math.Tan(r)+1/math.Cos(r))/math.Pi) / 2 * n)
	return x, y
}

// bufferedBounds is the lon/lat box of tile z/x/y grown by frac of a tile on
// every side (Web Mercator is separable, so it stays a box).
func bufferedBounds(z, x, y int, frac float64) [4]float64 {
	n := math.Exp2(float64(z))
	lon := func(tx float64) float64 { return tx/n*360 - 180 }
	lat := func(ty float64) float64 { return math.Atan(math.Sinh(math.Pi*(1-2*ty/n))) * 180 / math.Pi }
	return [4]float64{lon(float64(x) - frac), lat(float64(y+1) + frac), lon(float64(x+1) + frac), lat(float64(y) - frac)}
}

func sameProps(tile, items map[string]any) bool {
	if len(tile) != len(items) {
		return false
	}
	for k, v := range items {
		if fmt.Sprint(tile[k]) != fmt.Sprint(v) {
			return false
		}
	}
	return true
}
