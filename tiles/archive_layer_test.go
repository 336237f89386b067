package tiles

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"testing"

	"bando/layers"
	"bando/spatial"
)

// fakeArchive serves one tile's bytes at every coordinate of zoom z.
type fakeArchive struct {
	z       int
	raw, gz []byte
}

func (a fakeArchive) ReadTile(_ context.Context, z, _, _ int) ([]byte, []byte, error) {
	if z != a.z {
		return nil, nil, nil
	}
	return a.raw, a.gz, nil
}

func (a fakeArchive) Info() ArchiveInfo {
	return ArchiveInfo{MinZoom: a.z, MaxZoom: a.z, Bounds: [4]float64{107, 16, 108, 17}, Center: [3]float64{107.5, 16.5, float64(a.z)},
		VectorLayers: []VectorLayer{{ID: "buildings", MinZoom: a.z, MaxZoom: a.z, Fields: map[string]string{"name": "String"}}}}
}

// An archive layer answers with the archive's bytes (the stored gzip body
// untouched), hides behind its access class like any layer, mixes with
// rendered layers, and describes itself from the archive in TileJSON.
func TestArchiveLayer(t *testing.T) {
	src := testServer(t, Config{}, map[string][]*spatial.Feature{"buildings": randomFeatures(1, 200, hue, 0.01)})
	c := CoordOf(hue, 14)
	rendered, err := src.Tile(context.Background(), layers.Anonymous, []string{"buildings"}, c.Z, c.X, c.Y)
	if err != nil || rendered.Empty() {
		t.Fatalf("source tile: %v (empty %v)", err, rendered.Empty())
	}
	arch := fakeArchive{z: 14, raw: rendered.Bytes(), gz: rendered.Gzip()}
	// "sensors" is an internal layer of the test catalog.
	s := testServer(t, Config{Archives: map[string]Archive{"sensors": arch}},
		map[string][]*spatial.Feature{"buildings": randomFeatures(1, 200, hue, 0.01)})
	ctx := context.Background()

	if _, err := s.Tile(ctx, layers.Anonymous, []string{"sensors"}, c.Z, c.X, c.Y); !errors.Is(err, layers.ErrUnknownLayer) {
		t.Errorf("anonymous got the internal archive layer: %v", err)
	}
	got, err := s.Tile(ctx, internal, []string{"sensors"}, c.Z, c.X, c.Y)
	if err != nil || !bytes.Equal(got.Bytes(), arch.raw) || !bytes.Equal(got.Gzip(), arch.gz) || got.ETag() != rendered.ETag() {
		t.Fatalf("archive tile differs from the stored one: %v", err)
	}
	if e, err := s.Tile(ctx, internal, []string{"sensors"}, 13, c.X/2, c.Y/2); err != nil || !e.Empty() {
		t.Errorf("a tile the archive lacks: %v, empty %v", err, e.Empty())
	}
	mixed := mustTile(t, s, internal, []string{"buildings", "sensors"}, c)
	if len(mixed.Layers) != 2 || mixed.Layers[0].Name != "buildings" || mixed.Layers[1].Name != "buildings" ||
		len(mixed.Layers[0].Features) != len(mixed.Layers[1].Features) {
		t.Errorf("mixed tile: %d layers", len(mixed.Layers))
	}

	if _, err := s.TileJSON(layers.Anonymous, "sensors", "http://x"); !errors.Is(err, layers.ErrUnknownLayer) {
		t.Errorf("anonymous got the internal archive layer's TileJSON: %v", err)
	}
	b, err := s.TileJSON(internal, "sensors", "http://x")
	if err != nil {
		t.Fatal(err)
	}
	var tj TileJSON
	if err := json.Unmarshal(b, &tj); err != nil {
		t.Fatal(err)
	}
	if tj.MinZoom != 14 || tj.MaxZoom != 14 || tj.Bounds != arch.Info().Bounds || len(tj.VectorLayers) != 1 ||
		tj.VectorLayers[0].ID != "buildings" || tj.Tiles[0] != "http://x/tiles/sensors/{z}/{x}/{y}.mvt" {
		t.Errorf("TileJSON %s", b)
	}
}
