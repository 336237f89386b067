package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"bando/ingest"
)

// TestBombsAreRefusedWithBoundedMemory sends decompression bombs and
// oversized inputs of every kind to a real server with the default limits
// and checks that each is answered 413 or 400 with a short error, that the
// server's peak resident memory stays bounded, and that it still answers.
func TestBombsAreRefusedWithBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("sends about 300 MB of requests")
	}
	dir := t.TempDir()
	srv := startServer(t, dir+"/var", writeConfig(t, dir, probeLayer+`  - id: zones
    title: {vi: "Vùng", en: "Zones"}
    kind: planning
    geometry: Polygon
    access: public
    zoom: {min: 0, max: 18}
    attribution: "bando test"
    fields:
      - {name: note, type: string, sensitivity: public}
`), "--demo=false")
	const gib = 1 << 30
	tests := []struct {
		name, layer, ctype string
		body               []byte
		status             int
		mentions           string
	}{
		// 1 GiB of zeros in about 1 MB: the body the server was killed by.
		{"gzip csv of zeros", "probes", "text/csv", gzipBomb("", "\x00", gib, ""), 413, "expands"},
		{"gzip ndjson endless line", "probes", "application/x-ndjson",
			gzipBomb(`{"type":"Feature","id":"a","geometry":null,"properties":{"note":"`, "a", gib, ""), 413, "expands"},
		{"gzip geojson huge coordinate array", "zones", "application/geo+json",
			gzipBomb(`{"type":"Feature","id":"a","geometry":{"type":"Polygon","coordinates":[[`, "[106.7,10.7],", gib, "]]}}"), 413, "expands"},
		{"gzip geojson nesting", "zones", "application/geo+json",
			gzipBomb(`{"type":"Feature","id":"a","geometry":{"type":"Polygon","coordinates":`, "[", gib, ""), 413, "expands"},
		// Compressible like real data (about 3×), so the ratio passes: the
		// limit on decompressed bytes must hold.
		{"gzip ndjson over the decompressed limit", "probes", "application/x-ndjson", gzipPoints(t, 70<<20), 413, "after decompression"},
		{"polygon with too many vertices", "zones", "application/geo+json", polygon(1_000_001), 413, "positions"},
		{"raw nesting", "zones", "application/geo+json",
			[]byte(`{"type":"Feature","id":"a","geometry":{"type":"Polygon","coordinates":` + strings.Repeat("[", 1<<20)), 413, "nested"},
		{"ndjson line over the line limit", "probes", "application/x-ndjson",
			[]byte(`{"type":"Feature","id":"a","geometry":null,"properties":{"note":"` + strings.Repeat("a", 40<<20) + `"}}` + "\n"), 413, "line 1"},
		{"11 MB id", "probes", "application/geo+json",
			[]byte(`{"type":"Feature","id":"` + strings.Repeat("x", 11<<20) + `","geometry":{"type":"Point","coordinates":[106.7,10.7]}}`), 413, "limit"},
		{"id over the id limit", "probes", "application/geo+json",
			[]byte(`{"type":"Feature","id":"` + strings.Repeat("x", 300) + `","geometry":{"type":"Point","coordinates":[106.7,10.7]}}`), 413, "300 bytes"},
		{"csv cell over the value limit", "probes", "text/csv",
			[]byte("id,lon,lat,note\na,106.7,10.7," + strings.Repeat("n", 2<<20) + "\n"), 413, "limit"},
		{"csv record over the line limit", "probes", "text/csv",
			[]byte("id,lon,lat,note\na,106.7,10.7,\"" + strings.Repeat("n\n", 17<<20) + "\"\n"), 413, "CSV record"},
		{"csv line of commas", "probes", "text/csv",
			[]byte("id,lon,lat\n" + strings.Repeat(",", 20<<20) + "\n"), 413, "columns"},
		{"properties bomb", "probes", "application/geo+json", manyProps(200_000), 413, "properties"},
		{"overpass of 1.5 million nodes", "probes", "application/vnd.osm.overpass+json",
			[]byte(`{"elements":[` + strings.Repeat(`{"type":"node","id":1,"lat":0,"lon":0},`, 1_500_000) + `{}]}`), 413, "elements"},
		{"geojson declared csv", "probes", "text/csv",
			[]byte(`{"type":"Feature","id":"a","geometry":{"type":"Point","coordinates":[106.7,10.7]}}`), 400, "JSON"},
		{"feature collection declared ndjson", "probes", "application/x-ndjson",
			[]byte("{\n\"type\":\"FeatureCollection\",\n\"features\":[]}\n"), 400, "geojson"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, _, b := srv.do("POST", "/collections/"+tt.layer+"/items", opsToken, tt.ctype, tt.body)
			if st != tt.status {
				t.Errorf("status %d, want %d (body %d bytes): %.300s", st, tt.status, len(tt.body), b)
			}
			if len(b) >= 1024 {
				t.Errorf("error body of %d bytes, want < 1 KiB: %.300s", len(b), b)
			}
			var e errorBody
			if err := json.Unmarshal(b, &e); err != nil || e.Error.Message == "" {
				t.Errorf("not a JSON error (%v): %.300s", err, b)
			}
			if !strings.Contains(e.Error.Message, tt.mentions) {
				t.Errorf("message does not mention %q: %s", tt.mentions, e.Error.Message)
			}
			t.Logf("peak RSS %d MiB", peakRSS(t, srv.cmd.Process.Pid)>>20)
		})
	}
	t.Run("unknown format", func(t *testing.T) {
		st, _, b := srv.do("POST", "/collections/probes/items?format=bogus", opsToken, "application/geo+json", []byte(`{}`))
		if st != 400 || !strings.Contains(string(b), "bogus") {
			t.Errorf("status %d: %s", st, b)
		}
	})
	hwm := peakRSS(t, srv.cmd.Process.Pid)
	t.Logf("server peak resident memory after %d bombs: %d MiB", len(tests), hwm>>20)
	if hwm > 512<<20 {
		t.Errorf("server peak resident memory %d MiB, want ≤ 512 MiB", hwm>>20)
	}
	ok := `{"type":"Feature","id":"after","geometry":{"type":"Point","coordinates":[106.7,10.7]},"properties":{"n":1}}`
	if st, _, b := srv.do("POST", "/collections/probes/items", opsToken, "application/geo+json", []byte(ok)); st != 201 {
		t.Fatalf("after the bombs a good write answers %d: %s", st, b)
	}
	if st, b := srv.get("/collections/probes/items/after", ""); st != 200 {
		t.Fatalf("after the bombs a read answers %d: %s", st, b)
	}
}

type errorBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// gzipBomb is a gzip stream of head, then unit repeated to n bytes, then
// tail. It is built of concatenated gzip members (valid gzip, which every
// reader decompresses as one stream) so that making it costs one 1 MiB
// compression, not n bytes of it.
func gzipBomb(head, unit string, n int, tail string) []byte {
	member := func(s string) []byte {
		var b bytes.Buffer
		w, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
		w.Write([]byte(s))
		w.Close()
		return b.Bytes()
	}
	chunk := strings.Repeat(unit, (1<<20)/len(unit))
	one := member(chunk)
	out := append([]byte(nil), member(head)...)
	for range n / len(chunk) {
		out = append(out, one...)
	}
	return append(out, member(tail)...)
}

// gzipPoints is NDJSON points with random coordinates and a random note,
// about n bytes before compression, in lines of about 1 KB so that the
// feature limit is not reached first.
func gzipPoints(t *testing.T, n int) []byte {
	var b bytes.Buffer
	w, _ := gzip.NewWriterLevel(&b, gzip.BestSpeed)
	r := rand.New(rand.NewPCG(1, 2))
	line := make([]byte, 0, 2048)
	for i, written := 0, 0; written < n; i++ {
		line = append(line[:0], `{"type":"Feature","id":"p`...)
		line = strconv.AppendInt(line, int64(i), 10)
		line = append(line, `","geometry":{"type":"Point","coordinates":[`...)
		line = strconv.AppendFloat(line, 106+r.Float64(), 'f', 7, 64)
		line = append(line, ',')
		line = strconv.AppendFloat(line, 10+r.Float64(), 'f', 7, 64)
		line = append(line, `]},"properties":{"note":"`...)
		for range 100 {
			line = strconv.AppendUint(line, r.Uint64()%1e9, 36)
		}
		line = append(line, "\"}}\n"...)
		w.Write(line)
		written += len(line)
	}
	w.Close()
	if b.Len()*100 < n {
		t.Fatalf("test data compresses %d×: it would trip the ratio limit instead", n/b.Len())
	}
	return b.Bytes()
}

// manyProps is a raw GeoJSON feature with n distinct properties.
func manyProps(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"type":"Feature","id":"p","geometry":{"type":"Point","coordinates":[106.7,10.7]},"properties":{`)
	for i := range n {
		fmt.Fprintf(&b, `"k%d":0,`, i)
	}
	b.WriteString(`"n":1}}`)
	return b.Bytes()
}

// polygon is a raw GeoJSON Polygon feature with n positions.
func polygon(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"type":"Feature","id":"big","geometry":{"type":"Polygon","coordinates":[[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "[%.6f,10.7]", 106+float64(i%1000)/1e4)
	}
	b.WriteString("]]}}")
	return b.Bytes()
}

// peakRSS reads VmHWM, the peak resident set size, of process pid.
func peakRSS(t *testing.T, pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err != nil {
				t.Fatalf("VmHWM %q: %v", rest, err)
			}
			return kb << 10
		}
	}
	t.Fatal("no VmHWM in /proc status")
	return 0
}

// TestLimitsConfig: the limits: section reaches ingest.Limits; the server
// bounds decompressed input by max_body_mb unless max_input_mb says
// otherwise, a local `bando ingest` lifts the input and feature limits
// unless they are set, and a value below -1 is refused.
func TestLimitsConfig(t *testing.T) {
	file := filepath.Join(t.TempDir(), "bando.yaml")
	os.WriteFile(file, []byte("max_body_mb: 8\nlimits:\n  max_vertices: 5000\n  max_id_bytes: 64\n  max_ratio: -1\n"), 0o644)
	cfg := defaultConfig()
	if err := cfg.loadFile(file); err != nil {
		t.Fatal(err)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	srv := cfg.serverLimits()
	want := ingest.Limits{MaxInputBytes: 8 << 20, MaxVertices: 5000, MaxIDBytes: 64, MaxRatio: -1}
	if srv != want {
		t.Errorf("server limits %+v, want %+v", srv, want)
	}
	local := cfg.localLimits()
	want = ingest.Limits{MaxInputBytes: -1, MaxFeatures: -1, MaxVertices: 5000, MaxIDBytes: 64, MaxRatio: -1}
	if local != want {
		t.Errorf("local limits %+v, want %+v", local, want)
	}
	cfg.Limits.MaxInputMB, cfg.Limits.MaxFeatures = 100, 10
	if got := cfg.localLimits(); got.MaxInputBytes != 100<<20 || got.MaxFeatures != 10 {
		t.Errorf("set limits are not lifted locally: %+v", got)
	}
	cfg.Limits.MaxDepth = -2
	if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "max_depth") {
		t.Errorf("max_depth -2: %v", err)
	}
	os.WriteFile(file, []byte("limits:\n  max_vertex: 5\n"), 0o644)
	if c := defaultConfig(); c.loadFile(file) == nil {
		t.Error("unknown limits key accepted")
	}
}
