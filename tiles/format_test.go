package tiles

import (
	"testing"

	"bando/layers"
)

// TestFormatsCachedApartAndInvalidatedTogether: the MVT and the MLT tile
// of a place are two cache entries with different bytes and ETags; a write
// there drops both; a hit of one does not serve the other.
func TestFormatsCachedApartAndInvalidatedTogether(t *testing.T) {
	s := testServer(t, Config{}, goldenData())
	c := CoordOf(hue, 14)
	get := func(f Format) Tile {
		t.Helper()
		tl, err := s.TileFormat(t.Context(), layers.Anonymous, f, []string{"buildings", "roads"}, c.Z, c.X, c.Y)
		if err != nil {
			t.Fatal(err)
		}
		return tl
	}
	mvt, mlt := get(MVT), get(MLT)
	if mvt.Empty() || mlt.Empty() || mvt.Format() != MVT || mlt.Format() != MLT {
		t.Fatalf("tiles: MVT %d bytes (%v), MLT %d bytes (%v)", len(mvt.Bytes()), mvt.Format(), len(mlt.Bytes()), mlt.Format())
	}
	if string(mvt.Bytes()) == string(mlt.Bytes()) || mvt.ETag() == mlt.ETag() || mvt.GzipETag() == mlt.GzipETag() {
		t.Errorf("MVT and MLT share bytes or tags: %s %s", mvt.ETag(), mlt.ETag())
	}
	if st := s.CacheStats(); st.Entries != 2 || st.Renders != 2 {
		t.Errorf("after one request per format: %+v, want 2 entries, 2 renders", st)
	}
	if again := get(MLT); again.ETag() != mlt.ETag() || s.CacheStats().Hits != 1 {
		t.Errorf("second MLT request: %s, %+v", again.ETag(), s.CacheStats())
	}
	s.Invalidate("buildings", c.Bound())
	if st := s.CacheStats(); st.Entries != 0 || st.Invalidated != 2 {
		t.Errorf("after a write in the tile: %+v, want both entries dropped", st)
	}
}

func TestParseFormat(t *testing.T) {
	for _, tc := range []struct {
		s    string
		want Format
		ok   bool
	}{{"mvt", MVT, true}, {"PBF", MVT, true}, {"mlt", MLT, true}, {"MLT", MLT, true}, {"png", MVT, false}, {"", MVT, false}} {
		if f, ok := ParseFormat(tc.s); f != tc.want || ok != tc.ok {
			t.Errorf("ParseFormat(%q) = %v, %v", tc.s, f, ok)
		}
	}
	if MLT.Suffix() != ".mlt" || MVT.MediaType() != MVTMediaType || MLT.MediaType() != "application/vnd.maplibre-tile" {
		t.Error("suffix or media type")
	}
}
