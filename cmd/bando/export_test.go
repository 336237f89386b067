package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/paulmach/orb"

	"bando/internal/testenv"
	"bando/layers"
	"bando/store"
	"bando/tiles"
	"bando/tiles/archive"
)

// The export test's archive: two layers over central Sài Gòn, z10–14.
const (
	exportLayers = "communes,roads"
	exportBBox   = "106.64,10.74,106.76,10.84"
	exportMinZ   = 10
	exportMaxZ   = 14
)

// exportFixture is a demo data directory and the archives exported from it,
// built once for the tests that read them.
type exportFixture struct {
	data, pmtiles, mbtiles string
	stdout                 string
}

var (
	exportOnce sync.Once
	exportFix  exportFixture
	exportErr  error
)

func exportedDemo(t *testing.T) exportFixture {
	t.Helper()
	exportOnce.Do(func() {
		// Under TestMain's directory, which it removes at the end.
		dir, err := os.MkdirTemp(filepath.Dir(binPath), "export")
		if err != nil {
			exportErr = err
			return
		}
		exportFix = exportFixture{data: filepath.Join(dir, "var"),
			pmtiles: filepath.Join(dir, "demo.pmtiles"), mbtiles: filepath.Join(dir, "demo.mbtiles")}
		exportErr = buildExportFixture(&exportFix)
	})
	if exportErr != nil {
		t.Fatal(exportErr)
	}
	return exportFix
}

// buildExportFixture loads the demo into a data directory as `bando serve`
// does, stops, and exports it as both archives with the CLI.
func buildExportFixture(f *exportFixture) error {
	ctx := context.Background()
	_, cat, err := configAndCatalog("")
	if err != nil {
		return err
	}
	st, err := store.OpenPebble(f.data, nil)
	if err != nil {
		return err
	}
	if err := loadDemo(ctx, st, cat, slog.New(slog.DiscardHandler)); err != nil {
		st.Close()
		return err
	}
	if err := st.Close(); err != nil {
		return err
	}
	for _, out := range []string{f.pmtiles, f.mbtiles} {
		var stdout, stderr bytes.Buffer
		args := []string{"--data", f.data, "--layers", exportLayers, "--bbox", exportBBox,
			"--minzoom", strconv.Itoa(exportMinZ), "--maxzoom", strconv.Itoa(exportMaxZ), out}
		if err := exportCmd(ctx, args, &stdout, &stderr); err != nil {
			return fmt.Errorf("export %s: %w\n%s", out, err, stderr.String())
		}
		if !strings.Contains(stderr.String(), "tiles/s") {
			return fmt.Errorf("export %s: no progress bar on stderr: %q", out, stderr.String())
		}
		f.stdout = stdout.String()
	}
	return nil
}

// serverTiles renders every tile of the export's range with a tiles.Server
// configured as `bando serve` configures it, for the anonymous principal.
func serverTiles(t *testing.T, data string) map[[3]int]tiles.Tile {
	t.Helper()
	_, cat, err := configAndCatalog("")
	if err != nil {
		t.Fatal(err)
	}
	idx, err := loadIndex(context.Background(), data, cat)
	if err != nil {
		t.Fatal(err)
	}
	srv := tiles.New(tiles.Config{Index: idx, Catalog: cat})
	b, _ := parseBBox(exportBBox)
	ids, err := exportTiles(exportMinZ, exportMaxZ, b)
	if err != nil {
		t.Fatal(err)
	}
	out := map[[3]int]tiles.Tile{}
	for _, id := range ids {
		z, x, y, _ := archive.ZXY(id)
		tl, err := srv.Tile(context.Background(), layers.Anonymous, strings.Split(exportLayers, ","), int(z), int(x), int(y))
		if err != nil {
			t.Fatal(err)
		}
		out[[3]int{int(z), int(x), int(y)}] = tl
	}
	return out
}

// Every tile of both archives is byte for byte the gzip body the server
// serves for the same coordinates, and every non-empty tile is there.
func TestExportMatchesServer(t *testing.T) {
	f := exportedDemo(t)
	want := serverTiles(t, f.data)
	nonEmpty := 0
	for _, tl := range want {
		if !tl.Empty() {
			nonEmpty++
		}
	}
	if nonEmpty < 20 {
		t.Fatalf("only %d non-empty tiles in the range: the test checks too little", nonEmpty)
	}
	if !strings.Contains(f.stdout, fmt.Sprintf("%d tiles (%d empty skipped)", nonEmpty, len(want)-nonEmpty)) {
		t.Errorf("export printed %q, want %d tiles", f.stdout, nonEmpty)
	}
	for _, path := range []string{f.pmtiles, f.mbtiles} {
		r, err := archive.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		seen := 0
		err = r.Walk(context.Background(), func(z uint8, x, y uint32, data []byte) error {
			seen++
			tl, ok := want[[3]int{int(z), int(x), int(y)}]
			switch {
			case !ok:
				return fmt.Errorf("tile %d/%d/%d is outside the export", z, x, y)
			case !bytes.Equal(data, tl.Gzip()):
				return fmt.Errorf("tile %d/%d/%d: %d stored bytes differ from the server's %d-byte gzip body", z, x, y, len(data), len(tl.Gzip()))
			}
			raw, _, err := archive.Decode(data)
			if err != nil || !bytes.Equal(raw, tl.Bytes()) {
				return fmt.Errorf("tile %d/%d/%d: decompressed bytes differ from the server's MVT (%v)", z, x, y, err)
			}
			return nil
		})
		if err != nil {
			t.Fatalf("%s: %v", filepath.Base(path), err)
		}
		if seen != nonEmpty {
			t.Errorf("%s holds %d tiles, the server has %d non-empty ones", filepath.Base(path), seen, nonEmpty)
		}
		m := r.Metadata()
		if m.MinZoom != exportMinZ || m.MaxZoom != exportMaxZ || len(m.VectorLayers) != 2 || m.Clearance != "public" ||
			m.Attribution == "" || m.Bounds != [4]float64{106.64, 10.74, 106.76, 10.84} {
			t.Errorf("%s metadata %+v", filepath.Base(path), m)
		}
	}
}

// Protomaps' reader (npm pmtiles) opens the archive, finds its header and
// metadata sound, and every tile it finds decodes with Mapbox's decoder to
// the server's very bytes.
func TestExportPMTilesNode(t *testing.T) {
	node := testenv.Node(t)
	checker, _ := filepath.Abs("../../tools/pmtilescheck/check.js")
	if _, err := os.Stat(filepath.Join(filepath.Dir(checker), "node_modules", "pmtiles")); err != nil {
		testenv.Missing(t, "tools/pmtilescheck/node_modules (run `make tools`)")
	}
	f := exportedDemo(t)
	out, err := exec.Command(node, checker, f.pmtiles).Output()
	var res struct {
		Header struct {
			NumAddressedTiles int `json:"numAddressedTiles"`
		} `json:"header"`
		Metadata struct {
			VectorLayers []struct {
				ID string `json:"id"`
			} `json:"vector_layers"`
		} `json:"metadata"`
		Tiles []struct {
			Z, X, Y int
			SHA256  string         `json:"sha256"`
			Layers  map[string]int `json:"layers"`
		} `json:"tiles"`
		Errors []string `json:"errors"`
	}
	if jerr := json.Unmarshal(out, &res); jerr != nil {
		t.Fatalf("pmtilescheck: %v %v: %.500s", err, jerr, out)
	}
	if err != nil || len(res.Errors) > 0 {
		t.Fatalf("pmtilescheck: %v: %v", err, res.Errors)
	}
	want := serverTiles(t, f.data)
	features := 0
	for _, tl := range res.Tiles {
		w := want[[3]int{tl.Z, tl.X, tl.Y}]
		sum := sha256.Sum256(w.Bytes())
		if w.Empty() || hex.EncodeToString(sum[:]) != tl.SHA256 {
			t.Errorf("tile %d/%d/%d as npm pmtiles reads it differs from the server's MVT", tl.Z, tl.X, tl.Y)
		}
		for _, n := range tl.Layers {
			features += n
		}
	}
	if len(res.Tiles) < 20 || len(res.Tiles) != res.Header.NumAddressedTiles || len(res.Metadata.VectorLayers) != 2 || features == 0 {
		t.Errorf("npm pmtiles found %d tiles (header %d), %d vector layers, %d features",
			len(res.Tiles), res.Header.NumAddressedTiles, len(res.Metadata.VectorLayers), features)
	}
	t.Logf("npm pmtiles decoded %d tiles, %d features", len(res.Tiles), features)
}

// GDAL's MBTiles driver opens the archive and lists both layers with
// their features.
func TestExportMBTilesGDAL(t *testing.T) {
	ogrinfo, err := exec.LookPath("ogrinfo")
	if err != nil {
		testenv.Missing(t, "ogrinfo (gdal-bin)")
	}
	f := exportedDemo(t)
	out, err := exec.Command(ogrinfo, "-ro", "-so", "-al", f.mbtiles).CombinedOutput()
	if err != nil {
		t.Fatalf("ogrinfo: %v\n%s", err, out)
	}
	counts := map[string]int{}
	var layer string
	for _, line := range strings.Split(string(out), "\n") {
		if m := regexp.MustCompile(`^Layer name: (\S+)`).FindStringSubmatch(line); m != nil {
			layer = m[1]
		}
		if m := regexp.MustCompile(`^Feature Count: (\d+)`).FindStringSubmatch(line); m != nil {
			counts[layer], _ = strconv.Atoi(m[1])
		}
	}
	if counts["communes"] == 0 || counts["roads"] == 0 || len(counts) != 2 {
		t.Fatalf("ogrinfo layers %v\n%s", counts, out)
	}
	if !strings.Contains(string(out), "bando:clearance=public") {
		t.Errorf("metadata not listed:\n%s", out)
	}
	t.Logf("GDAL reads %v", counts)
}

// A server with archive layers serves the archives' tiles on the usual path
// as the same bytes it renders for the source layers, raw and gzip, with
// TileJSON from the archive.
func TestServeArchiveLayer(t *testing.T) {
	f := exportedDemo(t)
	dir := t.TempDir()
	layer := func(id, path, access string) string {
		return fmt.Sprintf(`  - id: %s
    title: {vi: Bản đồ ngoại tuyến, en: Offline map}
    kind: admin
    geometry: Geometry
    access: %s
    zoom: {min: 0, max: 14}
    attribution: "© test"
    archive: %s
`, id, access, path)
	}
	cfg := writeConfig(t, dir, "layers:\n"+layer("offline", f.pmtiles, "public")+layer("offline_mb", f.mbtiles, "internal"))
	srv := startServer(t, f.data, cfg, "--demo=false")
	var tj tiles.TileJSON
	srv.getJSON("/tiles/offline.json", "", &tj)
	if tj.MinZoom != exportMinZ || tj.MaxZoom != exportMaxZ || len(tj.VectorLayers) != 2 || !strings.HasSuffix(tj.Tiles[0], "/tiles/offline/{z}/{x}/{y}.mvt") {
		t.Errorf("TileJSON %+v", tj)
	}
	if st, _ := srv.get("/tiles/offline_mb/14/13000/7700.mvt", ""); st != 404 {
		t.Errorf("anonymous got the internal archive layer: %d", st)
	}
	r, err := archive.Open(f.pmtiles)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	n := 0
	err = r.Walk(context.Background(), func(z uint8, x, y uint32, data []byte) error {
		if n++; n%3 != 0 { // a third of the tiles keeps the test quick
			return nil
		}
		c := fmt.Sprintf("%d/%d/%d.mvt", z, x, y)
		gz := map[string]string{"Accept-Encoding": "gzip"}
		_, _, served := srv.doHeaders("GET", "/tiles/"+exportLayers+"/"+c, "", gz)
		for _, q := range []struct{ path, token string }{{"/tiles/offline/" + c, ""}, {"/tiles/offline_mb/" + c, readerToken}} {
			st, h, b := srv.doHeaders("GET", q.path, q.token, gz)
			if st != 200 || h.Get("Content-Encoding") != "gzip" || !bytes.Equal(b, data) || !bytes.Equal(b, served) {
				return fmt.Errorf("%s: %d %q, %d bytes; archive %d, rendered %d", q.path, st, h.Get("Content-Encoding"), len(b), len(data), len(served))
			}
		}
		st, _, raw := srv.doHeaders("GET", "/tiles/offline/"+c, "", nil)
		want, _, _ := archive.Decode(data)
		if st != 200 || !bytes.Equal(raw, want) {
			return fmt.Errorf("raw %s: %d, %d bytes, want %d", c, st, len(raw), len(want))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if st, _ := srv.get("/tiles/offline/3/6/3.mvt", ""); st != 204 {
		t.Errorf("a tile the archive lacks: %d, want 204", st)
	}
}

// An archive rendered for internal clearance cannot be served as a public
// layer: everyone would see what only officers may.
func TestArchiveClearance(t *testing.T) {
	for _, c := range []struct {
		access   layers.Access
		exported string
		ok       bool
	}{
		{layers.Public, "public", true}, {layers.Internal, "public", true}, {layers.Restricted, "internal", true},
		{layers.Public, "internal", false}, {layers.Internal, "restricted", false}, {layers.Public, "secret", false},
		{layers.Public, "", true},
	} {
		err := archiveClearance(&layers.Layer{ID: "x", Access: c.access, Archive: "x.pmtiles"}, c.exported)
		if (err == nil) != c.ok {
			t.Errorf("layer %s, archive for %q: %v", c.access, c.exported, err)
		}
	}
}

func TestExportFlags(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--layers", "a", "out.zip"}, "must end in .pmtiles or .mbtiles"},
		{[]string{"out.pmtiles"}, "--layers is required"},
		{[]string{"--layers", "a", "--bbox", "1,2,3", "out.pmtiles"}, "west,south,east,north"},
		{[]string{"--layers", "a", "--bbox", "10,0,5,1", "out.pmtiles"}, "west ≤ east"},
		{[]string{"--layers", "a", "--minzoom", "9", "--maxzoom", "3", "out.pmtiles"}, "above --maxzoom"},
		{[]string{"--layers", "a", "--url", "http://x", "--token", "t", "out.pmtiles"}, "say the token's --clearance"},
		{[]string{"--layers", "a", "--clearance", "secret", "out.pmtiles"}, "want public, internal or restricted"},
		{[]string{"--layers", "a", "a.pmtiles", "b.pmtiles"}, "one output file"},
	} {
		_, err := parseExportFlags(c.args, io.Discard)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: %v, want %q", c.args, err, c.want)
		}
	}
	f, err := parseExportFlags([]string{"out.mbtiles", "--layers", "a, b,a", "--maxzoom", "5"}, io.Discard)
	if err != nil || f.out != "out.mbtiles" || strings.Join(f.layers, ",") != "a,b" || f.maxZoom != 5 || f.clearance != layers.Public {
		t.Errorf("flags after the output: %+v %v", f, err)
	}
}

// The default box is the union of the layers' extents, ignoring an empty
// layer's "world"; the default zooms span the layers' ranges.
func TestExportRange(t *testing.T) {
	tj := func(minz, maxz int, b [4]float64) tiles.TileJSON {
		return tiles.TileJSON{MinZoom: minz, MaxZoom: maxz, Bounds: b}
	}
	world := [4]float64{-180, -tiles.MaxLatitude, 180, tiles.MaxLatitude}
	f := exportFlags{minZoom: -1, maxZoom: -1}
	minZ, maxZ, b := exportRange(f, []tiles.TileJSON{tj(6, 12, [4]float64{106, 10, 107, 11}), tj(0, 18, world), tj(9, 16, [4]float64{106.5, 9, 108, 10.5})})
	if minZ != 0 || maxZ != 18 || b.Min != (orb.Point{106, 9}) || b.Max != (orb.Point{108, 11}) {
		t.Errorf("range z%d–%d %v", minZ, maxZ, b)
	}
	if _, _, b := exportRange(f, []tiles.TileJSON{tj(0, 18, world)}); b.Max[0] != 180 {
		t.Errorf("only empty layers: %v, want the world", b)
	}
	f = exportFlags{minZoom: 3, maxZoom: 5, bbox: &orb.Bound{Min: orb.Point{1, -89}, Max: orb.Point{2, 3}}}
	if minZ, maxZ, b := exportRange(f, []tiles.TileJSON{tj(6, 12, world)}); minZ != 3 || maxZ != 5 || b.Min[1] != -tiles.MaxLatitude {
		t.Errorf("flags: z%d–%d %v", minZ, maxZ, b)
	}
}

// `--format mlt` writes the server's MLT tiles, byte for byte, into a
// PMTiles archive whose header names the MLT tile type; MBTiles refuses.
func TestExportMLT(t *testing.T) {
	f := exportedDemo(t)
	out := filepath.Join(t.TempDir(), "demo-mlt.pmtiles")
	args := []string{"--data", f.data, "--layers", exportLayers, "--bbox", exportBBox, "--format", "mlt",
		"--minzoom", strconv.Itoa(exportMinZ), "--maxzoom", strconv.Itoa(exportMaxZ), out}
	var stdout, stderr bytes.Buffer
	if err := exportCmd(context.Background(), args, &stdout, &stderr); err != nil {
		t.Fatalf("export: %v\n%s", err, stderr.String())
	}
	raw, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if h, err := archive.DecodeHeader(raw[:archive.HeaderLen]); err != nil || h.TileType != archive.TypeMLT {
		t.Fatalf("header: %+v, %v; want tile type MLT", h, err)
	}
	_, cat, err := configAndCatalog("")
	if err != nil {
		t.Fatal(err)
	}
	idx, err := loadIndex(context.Background(), f.data, cat)
	if err != nil {
		t.Fatal(err)
	}
	srv := tiles.New(tiles.Config{Index: idx, Catalog: cat})
	r, err := archive.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	n := 0
	err = r.Walk(context.Background(), func(z uint8, x, y uint32, data []byte) error {
		n++
		tl, err := srv.TileFormat(context.Background(), layers.Anonymous, tiles.MLT, strings.Split(exportLayers, ","), int(z), int(x), int(y))
		if err != nil || !bytes.Equal(data, tl.Gzip()) {
			return fmt.Errorf("tile %d/%d/%d differs from the server's MLT tile (%v)", z, x, y, err)
		}
		return nil
	})
	if err != nil || n < 20 {
		t.Fatalf("%d MLT tiles: %v", n, err)
	}
	if err := exportCmd(context.Background(), []string{"--data", f.data, "--layers", "communes", "--format", "mlt",
		filepath.Join(t.TempDir(), "x.mbtiles")}, io.Discard, io.Discard); err == nil || !strings.Contains(err.Error(), "MLT") {
		t.Errorf("MLT into MBTiles: %v, want a refusal", err)
	}
}
