package api

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"bando/tiles"
)

// TestTileMLT goes through the core handler: .mlt tiles are MLT with
// their own ETags (also when empty), 304 on a match, changed by a write
// like the MVT tile; a suffixless path is negotiated on Accept and says
// Vary: Accept; TileJSON lists both formats.
func TestTileMLT(t *testing.T) {
	s := newInvalidatingServer(t)
	put := func(id string, p orb.Point) { putPOI(t, s, id, p) }
	here := orb.Point{106.7, 10.8}
	put("1", here)
	c := tiles.CoordOf(here, 12)
	get := func(target string, h ...string) *Response {
		r := NewRequest("GET", target, nil)
		r.Header = HeaderOf(http.Header{})
		for i := 0; i+1 < len(h); i += 2 {
			r.Header.Set(h[i], h[i+1])
		}
		return s.Handle(context.Background(), r)
	}
	base := "/tiles/pois/" + c.String()
	mvt, mlt := get(base+".mvt"), get(base+".mlt")
	if mvt.Status != 200 || mlt.Status != 200 {
		t.Fatalf("status mvt %d, mlt %d", mvt.Status, mlt.Status)
	}
	if ct := mlt.Header.Get("Content-Type"); ct != tiles.MLTMediaType {
		t.Errorf("MLT Content-Type %q", ct)
	}
	if len(mlt.Body) == 0 || mlt.Body[1] != 1 { // size varint, then the v1 tag
		t.Errorf("MLT body %x does not start a v1 frame", mlt.Body)
	}
	tag := mlt.Header.Get("ETag")
	if tag == "" || tag == mvt.Header.Get("ETag") {
		t.Errorf("MLT ETag %q, MVT %q: must differ", tag, mvt.Header.Get("ETag"))
	}
	if r := get(base+".mlt", "If-None-Match", tag); r.Status != 304 {
		t.Errorf("conditional MLT GET: %d", r.Status)
	}
	if r := get(base+".mlt", "Accept-Encoding", "gzip"); r.Header.Get("Content-Encoding") != "gzip" || r.Header.Get("ETag") == tag {
		t.Errorf("gzip MLT: encoding %q, ETag %q", r.Header.Get("Content-Encoding"), r.Header.Get("ETag"))
	}
	empty := "/tiles/pois/12/0/0"
	e1, e2 := get(empty+".mvt"), get(empty+".mlt")
	if e1.Status != 204 || e2.Status != 204 || e1.Header.Get("ETag") == e2.Header.Get("ETag") {
		t.Errorf("empty tiles: %d %q, %d %q", e1.Status, e1.Header.Get("ETag"), e2.Status, e2.Header.Get("ETag"))
	}

	for _, tc := range []struct {
		accept, want string
	}{
		{"", tiles.MVTMediaType},
		{"*/*", tiles.MVTMediaType},
		{tiles.MLTMediaType, tiles.MLTMediaType},
		{tiles.MLTMediaTypeOld, tiles.MLTMediaType},
		{"application/vnd.mapbox-vector-tile;q=0.8, application/vnd.maplibre-tile", tiles.MLTMediaType},
		{"application/vnd.maplibre-tile;q=0.5, application/vnd.mapbox-vector-tile", tiles.MVTMediaType},
		{"application/*", tiles.MVTMediaType},
	} {
		r := get(base, "Accept", tc.accept)
		if r.Status != 200 || r.Header.Get("Content-Type") != tc.want || !strings.Contains(r.Header.Get("Vary"), "Accept,") {
			t.Errorf("Accept %q: %d %q, Vary %q; want %q", tc.accept, r.Status, r.Header.Get("Content-Type"), r.Header.Get("Vary"), tc.want)
		}
	}
	if r := get(base+".mlt", "Accept", tiles.MVTMediaType); r.Header.Get("Content-Type") != tiles.MLTMediaType || strings.Contains(r.Header.Get("Vary"), "Accept,") {
		t.Errorf(".mlt with Accept MVT: %q, Vary %q; the suffix decides", r.Header.Get("Content-Type"), r.Header.Get("Vary"))
	}
	for _, bad := range []string{base + ".png", base + ".", base + ".mlt.mvt"} {
		if r := get(bad); r.Status != 400 {
			t.Errorf("%s: %d, want 400", bad, r.Status)
		}
	}

	put("2", orb.Point{here[0] + 0.001, here[1]})
	if r := get(base+".mlt", "If-None-Match", tag); r.Status != 200 || r.Header.Get("ETag") == tag {
		t.Errorf("after a write in the tile: %d, ETag %q (was %q)", r.Status, r.Header.Get("ETag"), tag)
	}

	var doc struct {
		Tiles    []string            `json:"tiles"`
		Encoding string              `json:"encoding"`
		Formats  map[string][]string `json:"formats"`
	}
	for _, tc := range []struct{ query, suffix, encoding string }{{"", ".mvt", "mvt"}, {"?encoding=mlt", ".mlt", "mlt"}} {
		r := get("/tiles/pois.json" + tc.query)
		if err := json.Unmarshal(r.Body, &doc); err != nil || r.Status != 200 {
			t.Fatalf("TileJSON%s: %d %v", tc.query, r.Status, err)
		}
		v := "?v=" + strconv.FormatUint(s.cfg.Index.Version("pois"), 10)
		if len(doc.Tiles) != 1 || !strings.HasSuffix(doc.Tiles[0], "/tiles/pois/{z}/{x}/{y}"+tc.suffix+v) || doc.Encoding != tc.encoding ||
			len(doc.Formats["mlt"]) != 1 || !strings.HasSuffix(doc.Formats["mlt"][0], ".mlt"+v) || !strings.HasSuffix(doc.Formats["mvt"][0], ".mvt"+v) {
			t.Errorf("TileJSON%s: tiles %v, encoding %q, formats %v", tc.query, doc.Tiles, doc.Encoding, doc.Formats)
		}
	}
	if r := get("/tiles/pois.json?encoding=png"); r.Status != 400 {
		t.Errorf("TileJSON ?encoding=png: %d, want 400", r.Status)
	}
}

func FuzzMediaQ(f *testing.F) {
	for _, s := range []string{"*/*", "application/*;q=0.2", tiles.MLTMediaType + ";q=0.9, */*;q=0.1", ";q=", "a/b;q=1.0001"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		for _, typ := range []string{tiles.MLTMediaType, tiles.MVTMediaType} {
			if q := mediaQ(h, typ); q < 0 || q > 1000 {
				t.Fatalf("%q %s: q %d out of range", h, typ, q)
			}
		}
		r := NewRequest("GET", "/", nil)
		r.Header = HeaderOf(http.Header{})
		r.Header.Set("Accept", h)
		if f := acceptTileFormat(r); f == tiles.MLT && mediaQ(h, tiles.MLTMediaType) == 0 && mediaQ(h, tiles.MLTMediaTypeOld) == 0 {
			t.Fatalf("%q: MLT chosen though not acceptable", h)
		}
	})
}
