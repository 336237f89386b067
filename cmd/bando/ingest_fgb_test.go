package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"testing"
)

const wardsLayer = `layers:
  - id: wards
    title: {vi: "Phường, xã", en: "Wards"}
    kind: admin
    geometry: Geometry
    access: public
    zoom: {min: 8, max: 20}
    attribution: "thanglequoc/vietnamese-provinces-database"
    fields:
      - {name: code, type: string, required: true, sensitivity: public}
      - {name: name, type: string, sensitivity: public}
      - {name: area_km2, type: float, sensitivity: public}
`

const wardsFGB = "../../ingest/testdata/gdal/wards_tm3.fgb"

// TestIngestFlatGeobufCLI: `bando ingest x.fgb` picks the format by the
// extension, reads the VN-2000 TM-3 header CRS and stores the 4 wards.
func TestIngestFlatGeobufCLI(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "bando.yaml")
	if err := os.WriteFile(cfg, []byte(wardsLayer), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	args := []string{"ingest", "--layer", "wards", "--data", filepath.Join(dir, "var"), "--config", cfg, wardsFGB}
	if err := dispatch(context.Background(), args, &out, &errOut); err != nil {
		t.Fatalf("ingest: %v %s", err, errOut.String())
	}
	var rep struct {
		Format   string `json:"format"`
		Accepted int    `json:"accepted"`
		CRS      string `json:"crs"`
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil || rep.Format != "flatgeobuf" || rep.Accepted != 4 || rep.CRS == "" {
		t.Fatalf("report %s (%v): want 4 accepted from a VN-2000 FlatGeobuf", out.String(), err)
	}
}

// TestPostFlatGeobuf: POST /collections/{id}/items with
// application/flatgeobuf stores the features; a truncated file is a 400
// naming the feature, and stores nothing.
func TestPostFlatGeobuf(t *testing.T) {
	dir := t.TempDir()
	s := startServer(t, filepath.Join(dir, "var"), writeConfig(t, dir, wardsLayer))
	body, err := os.ReadFile(wardsFGB)
	if err != nil {
		t.Fatal(err)
	}
	st, _, resp := s.do(http.MethodPost, "/collections/wards/items", opsToken, "application/flatgeobuf", body[:len(body)-30])
	if st != http.StatusBadRequest || !bytes.Contains(resp, []byte("feature 4")) {
		t.Fatalf("truncated: %d %s", st, resp)
	}
	if st, _, resp := s.do(http.MethodGet, "/collections/wards/items", "", "", nil); st != 200 || !bytes.Contains(resp, []byte(`"numberMatched":0`)) {
		t.Fatalf("after a refused file: %d %.300s", st, resp)
	}
	st, _, resp = s.do(http.MethodPost, "/collections/wards/items", opsToken, "application/flatgeobuf", body)
	if st != http.StatusCreated || !bytes.Contains(resp, []byte(`"accepted":4`)) {
		t.Fatalf("post: %d %s", st, resp)
	}
}
