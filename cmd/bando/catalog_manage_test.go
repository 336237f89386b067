package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// stewardToken has the data steward's right (manage: true); opsToken may
// write features but not change the catalog.
const stewardToken = "steward-secret"

func stewardConfig() string {
	return fmt.Sprintf(`  - name: steward
    clearance: internal
    write: true
    manage: true
    sha256: %s
`, hashOf(stewardToken))
}

const parksEntry = `{"id": "parks", "title": {"vi": "Công viên", "en": "Parks"}, "kind": "poi", "geometry": "Point",
 "access": "public", "zoom": {"min": 0, "max": 16}, "attribution": "bando test", "synthetic": true,
 "fields": [{"name": "name", "type": "string", "required": true}, {"name": "area", "type": "int"}, {"name": "code", "type": "string"}]}`

const parksFeatures = `{"type":"FeatureCollection","features":[
 {"type":"Feature","id":"1","geometry":{"type":"Point","coordinates":[106.70,10.80]},"properties":{"name":"Tao Đàn","area":12,"code":"7"}},
 {"type":"Feature","id":"2","geometry":{"type":"Point","coordinates":[106.71,10.81]},"properties":{"name":"Lê Văn Tám","area":40,"code":"x9"}}]}`

// tileXY is the XYZ tile holding a lon/lat point at zoom z.
func tileXY(lon, lat float64, z int) (int, int) {
	n := math.Exp2(float64(z))
	r := lat * math.Pi / 180
	return int((lon + 180) / 360 * n), int((1 - math.Log(math.Tan(r)+1/math.Cos(r))/math.Pi) / 2 * n)
}

func catalogVersion(t *testing.T, srv *server) uint64 {
	t.Helper()
	var c struct {
		Version     uint64 `json:"catalog_version"`
		Collections []struct {
			ID string `json:"id"`
		} `json:"collections"`
	}
	srv.getJSON("/collections", "", &c)
	return c.Version
}

// TestCatalogManagement: a data steward creates a layer over HTTP, it is
// served at once (items, tiles, TileJSON, questions), changes and a
// refused change behave, it survives kill -9, and retiring it removes it
// for good. Anonymous and lower roles change nothing.
func TestCatalogManagement(t *testing.T) {
	dir := t.TempDir()
	cfg := writeConfig(t, dir, stewardConfig())
	srv := startServer(t, dir+"/var", cfg, "--demo=false")

	for _, c := range []struct {
		token  string
		status int
	}{{"", 401}, {readerToken, 403}, {opsToken, 403}, {"wrong", 401}} {
		if st, _, b := srv.do("POST", "/collections", c.token, "application/json", []byte(parksEntry)); st != c.status {
			t.Fatalf("POST /collections with %q: %d %s, want %d", c.token, st, b, c.status)
		}
	}
	st, _, b := srv.do("POST", "/collections", stewardToken, "application/json", []byte(`{"id": "parks", "title": `))
	if st != 400 || !strings.Contains(string(b), "body begins") {
		t.Fatalf("malformed entry: %d %s", st, b)
	}
	if v := catalogVersion(t, srv); v != 0 {
		t.Fatalf("refused requests moved the catalog to version %d", v)
	}

	st, h, b := srv.do("POST", "/collections", stewardToken, "application/json", []byte(parksEntry))
	if st != 201 || !strings.HasSuffix(h.Get("Location"), "/collections/parks") || !strings.Contains(string(b), `"catalog_version":1`) {
		t.Fatalf("create: %d %s %s", st, h.Get("Location"), b)
	}
	if st, _, b := srv.do("POST", "/collections/parks/items", stewardToken, "application/geo+json", []byte(parksFeatures)); st != 201 {
		t.Fatalf("features into the new layer: %d %s", st, b)
	}
	if ids := srv.allItems("parks", "", ""); strings.Join(ids, ",") != "1,2" {
		t.Fatalf("items = %v", ids)
	}
	x, y := tileXY(106.70, 10.80, 15)
	tile := fmt.Sprintf("/tiles/parks/15/%d/%d.mvt", x, y)
	if st, b := srv.get(tile, ""); st != 200 || len(b) == 0 {
		t.Fatalf("tile %s: %d (%d bytes)", tile, st, len(b))
	}
	if st, b := srv.get("/metrics", ""); st != 200 || !strings.Contains(string(b), `bando_layer_features{layer="parks"} 2`) {
		t.Fatalf("metrics of the new layer: %d", st)
	}
	if st, b := srv.get("/tiles/parks.json", ""); st != 200 || !strings.Contains(string(b), `"area"`) {
		t.Fatalf("TileJSON: %d %s", st, b)
	}
	st, _, b = srv.do("POST", "/api/query", "", "application/json", []byte(`{"layer":"parks","filter":{"field":"area","op":">","value":20}}`))
	if st != 200 || !strings.Contains(string(b), "Lê Văn Tám") || strings.Contains(string(b), "Tao Đàn") {
		t.Fatalf("question: %d %s", st, b)
	}

	// A change stored features cannot satisfy: refused, naming feature 2.
	bad := strings.Replace(parksEntry, `"name": "code", "type": "string"`, `"name": "code", "type": "int"`, 1)
	st, _, b = srv.do("PUT", "/collections/parks", stewardToken, "application/json", []byte(bad))
	if st != 422 || !strings.Contains(string(b), `"feature":"2"`) {
		t.Fatalf("unsatisfiable change: %d %s", st, b)
	}
	if st, _, _ := srv.do("PUT", "/collections/parks", opsToken, "application/json", []byte(parksEntry)); st != 403 {
		t.Fatalf("PUT by a writer without manage: %d", st)
	}
	// A satisfiable one: area int → float, a new title, tiles from z16
	// only (the cached z15 tile must go).
	good := strings.NewReplacer(`"name": "area", "type": "int"`, `"name": "area", "type": "float"`,
		`"en": "Parks"`, `"en": "City parks"`, `"min": 0, "max": 16`, `"min": 16, "max": 18`).Replace(parksEntry)
	st, _, b = srv.do("PUT", "/collections/parks", stewardToken, "application/json", []byte(good))
	if st != 200 || !strings.Contains(string(b), `"catalog_version":2`) {
		t.Fatalf("change: %d %s", st, b)
	}
	if st, b := srv.get(tile, ""); st != 204 {
		t.Fatalf("z15 tile after min zoom 16: %d (%d bytes), want 204", st, len(b))
	}
	if st, b := srv.get("/collections/parks/schema", ""); st != 200 || !strings.Contains(string(b), `"number"`) {
		t.Fatalf("schema after the change: %d %s", st, b)
	}
	var api struct {
		Paths map[string]map[string]any `json:"paths"`
	}
	srv.getJSON("/api", "", &api)
	for path, method := range map[string]string{"/collections": "post", "/collections/{collectionId}": "put"} {
		if api.Paths[path][method] == nil {
			t.Fatalf("/api lacks %s %s", method, path)
		}
	}
	if api.Paths["/collections/{collectionId}"]["delete"] == nil {
		t.Fatal("/api lacks DELETE /collections/{collectionId}")
	}

	// kill -9, restart: the catalog is as left.
	srv.kill()
	srv.launch(binPath, "--demo=false")
	if v := catalogVersion(t, srv); v != 2 {
		t.Fatalf("version after restart = %d", v)
	}
	var coll struct {
		Bando struct {
			Title  struct{ EN string } `json:"title"`
			Fields []struct{ Name, Type string }
			Zoom   struct{ Min int }
		} `json:"bando"`
	}
	srv.getJSON("/collections/parks", "", &coll)
	if coll.Bando.Title.EN != "City parks" || coll.Bando.Zoom.Min != 16 || coll.Bando.Fields[1].Type != "float" {
		t.Fatalf("parks after restart = %+v", coll.Bando)
	}
	if ids := srv.allItems("parks", "", ""); len(ids) != 2 {
		t.Fatalf("items after restart = %v", ids)
	}

	// Retire: refused while it holds features, then purged.
	if st, _, _ := srv.do("DELETE", "/collections/parks", "", "", nil); st != 401 {
		t.Fatalf("anonymous DELETE: %d", st)
	}
	if st, _, b := srv.do("DELETE", "/collections/parks", stewardToken, "", nil); st != 409 || !strings.Contains(string(b), "purge") {
		t.Fatalf("DELETE of a layer with features: %d %s", st, b)
	}
	st, _, b = srv.do("DELETE", "/collections/parks?purge=true", stewardToken, "", nil)
	var gone struct {
		Version uint64 `json:"catalog_version"`
		Purged  int    `json:"purged"`
	}
	if err := json.Unmarshal(b, &gone); st != 200 || err != nil || gone.Version != 3 || gone.Purged != 2 {
		t.Fatalf("purge: %d %s", st, b)
	}
	for _, path := range []string{"/collections/parks", "/collections/parks/items", "/tiles/parks.json"} {
		if st, _ := srv.get(path, ""); st != 404 {
			t.Fatalf("%s after retire: %d", path, st)
		}
	}
	srv.kill()
	srv.launch(binPath, "--demo=false")
	if st, _ := srv.get("/collections/parks", ""); st != 404 || catalogVersion(t, srv) != 3 {
		t.Fatalf("retired layer after restart: %d, version %d", st, catalogVersion(t, srv))
	}
}

// TestLayersCLI: bando layers add, ls, set and rm against a running server;
// a refused change exits non-zero with the server's reason.
func TestLayersCLI(t *testing.T) {
	dir := t.TempDir()
	cfg := writeConfig(t, dir, stewardConfig())
	srv := startServer(t, dir+"/var", cfg, "--demo=false")
	yamlEntry := filepath.Join(dir, "parks.yaml")
	entry := "id: parks\ntitle: {vi: Công viên, en: Parks}\nkind: poi\ngeometry: Point\naccess: public\n" +
		"zoom: {min: 0, max: 16}\nattribution: bando test\nfields:\n  - {name: name, type: string}\n"
	if err := os.WriteFile(yamlEntry, []byte(entry), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) (string, error) {
		cmd := exec.Command(binPath, append([]string{"layers"}, args...)...)
		cmd.Env = append(os.Environ(), "BANDO_URL="+srv.base, "BANDO_TOKEN="+stewardToken)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	if out, err := run("add", yamlEntry); err != nil || !strings.Contains(out, `"catalog_version":1`) {
		t.Fatalf("layers add: %v %s", err, out)
	}
	if out, err := run("add", "--token", readerToken, yamlEntry); err == nil || !strings.Contains(out, "403") {
		t.Fatalf("layers add by a reader: %v %s", err, out)
	}
	if out, err := run("ls"); err != nil || !strings.Contains(out, "catalog version 1") || !strings.Contains(out, "parks") {
		t.Fatalf("layers ls: %v %s", err, out)
	}
	srv.do("POST", "/collections/parks/items", stewardToken, "application/geo+json",
		[]byte(`{"type":"Feature","id":"1","geometry":{"type":"Point","coordinates":[106.7,10.8]},"properties":{"name":"Tao Đàn"}}`))
	if err := os.WriteFile(yamlEntry, []byte(strings.Replace(entry, "type: string", "type: int", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := run("set", yamlEntry); err == nil || !strings.Contains(out, "422") || !strings.Contains(out, `feature "1"`) {
		t.Fatalf("layers set, unsatisfiable: %v %s", err, out)
	}
	if err := os.WriteFile(yamlEntry, []byte(strings.Replace(entry, "en: Parks", "en: City parks", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := run("set", yamlEntry); err != nil || !strings.Contains(out, `"catalog_version":2`) {
		t.Fatalf("layers set: %v %s", err, out)
	}
	if out, err := run("rm", "parks"); err == nil || !strings.Contains(out, "purge") {
		t.Fatalf("layers rm of a layer with features: %v %s", err, out)
	}
	if out, err := run("rm", "--purge", "parks"); err != nil || !strings.Contains(out, `"purged":1`) {
		t.Fatalf("layers rm --purge: %v %s", err, out)
	}
	if out, err := run("ls"); err != nil || strings.Contains(out, "parks") || !strings.Contains(out, "catalog version 3") {
		t.Fatalf("layers ls after rm: %v %s", err, out)
	}
}
