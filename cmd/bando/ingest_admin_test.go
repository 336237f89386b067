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

const sitesLayer = `layers:
  - id: sites
    title: {vi: "Điểm", en: "Sites"}
    kind: poi
    geometry: Point
    access: public
    zoom: {min: 0, max: 18}
    attribution: "bando test"
    synthetic: true
    fields:
      - {name: commune, type: string, sensitivity: public}
`

// sitesCSV holds real pre-2025 codes: 25753 (Phú Thọ, whole into 25747)
// and 25741 (Hiệp Thành, split between 25747 and 25750), the second row
// inside today's Phường Thủ Dầu Một.
const sitesCSV = "id,lon,lat,commune\na,106.70,10.78,25753\nb,106.6643,10.9682,25741\n"

type adminRep struct {
	Accepted int `json:"accepted"`
	Admin    struct {
		Mapped, Spatial int
		Unresolved      []json.RawMessage
	} `json:"admin"`
}

// TestIngestAdminFieldCLI: bando ingest --admin-field converts the codes.
func TestIngestAdminFieldCLI(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "bando.yaml")
	in := filepath.Join(dir, "sites.csv")
	os.WriteFile(cfg, []byte(sitesLayer), 0o644)
	os.WriteFile(in, []byte(sitesCSV), 0o644)
	var out, errOut bytes.Buffer
	args := []string{"ingest", "--layer", "sites", "--data", filepath.Join(dir, "var"), "--config", cfg, "--admin-field", "commune", in}
	if err := dispatch(context.Background(), args, &out, &errOut); err != nil {
		t.Fatalf("ingest: %v %s", err, errOut.String())
	}
	var rep adminRep
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil || rep.Accepted != 2 || rep.Admin.Mapped != 1 || rep.Admin.Spatial != 1 {
		t.Fatalf("report %s (%v)", out.String(), err)
	}
}

// TestPostAdminField: ?admin_field= converts the codes over HTTP, and the
// stored features carry the 2025 codes.
func TestPostAdminField(t *testing.T) {
	dir := t.TempDir()
	s := startServer(t, filepath.Join(dir, "var"), writeConfig(t, dir, sitesLayer))
	st, _, resp := s.do(http.MethodPost, "/collections/sites/items?admin_field=commune", opsToken, "text/csv", []byte(sitesCSV))
	var rep adminRep
	if err := json.Unmarshal(resp, &rep); st != http.StatusCreated || err != nil || rep.Admin.Mapped != 1 || rep.Admin.Spatial != 1 {
		t.Fatalf("post: %d %s", st, resp)
	}
	for id, want := range map[string]string{"a": "25747", "b": "25747"} {
		st, _, body := s.do(http.MethodGet, "/collections/sites/items/"+id, "", "", nil)
		if st != 200 || !bytes.Contains(body, []byte(`"commune":"`+want+`"`)) {
			t.Errorf("%s: %d %s, want commune %s", id, st, body, want)
		}
	}
	st, _, resp = s.do(http.MethodPost, "/collections/sites/items?admin_field=nope", opsToken, "text/csv", []byte(sitesCSV))
	if st != http.StatusBadRequest || !bytes.Contains(resp, []byte("nope")) {
		t.Errorf("unknown admin field: %d %s", st, resp)
	}
}
