package main

import (
	"bufio"
	"fmt"
	"net"
	"strings"
	"testing"
)

// TestMalformedInputChangesNothing sends bad input of every kind and checks
// the status, that the error names the problem, and that the stored data is
// exactly as before.
func TestMalformedInputChangesNothing(t *testing.T) {
	dir := t.TempDir()
	srv := startServer(t, dir+"/var", writeConfig(t, dir, probeLayer+`  - id: zones
    title: {vi: "Vùng", en: "Zones"}
    kind: planning
    geometry: Polygon
    access: public
    zoom: {min: 0, max: 18}
    attribution: "bando test"
    fields:
      - {name: floors, type: int, sensitivity: public}
`), "--demo=false")
	good := `{"type":"Feature","id":"z1","geometry":{"type":"Polygon","coordinates":[[[106.7,10.7],[106.8,10.7],[106.8,10.8],[106.7,10.7]]]},"properties":{"floors":3}}`
	if st, _, b := srv.do("POST", "/collections/zones/items", opsToken, "application/geo+json", []byte(good)); st != 201 {
		t.Fatalf("seed: %d %s", st, b)
	}
	before := snapshot(t, srv, "zones")
	poly := func(coords, props string) string {
		return `{"type":"FeatureCollection","features":[` + good + `,{"type":"Feature","id":"z2","geometry":{"type":"Polygon","coordinates":` + coords + `},"properties":` + props + `}]}`
	}
	tests := []struct {
		name, path, ctype, body string
		status                  int
		mentions                []string
	}{
		{"broken json", "/collections/zones/items", "application/geo+json", `{"type":"FeatureCollection","features":[{"type":`, 400, []string{"json"}},
		{"ring with 3 points", "/collections/zones/items", "application/geo+json", poly(`[[[106.7,10.7],[106.8,10.7],[106.7,10.7]]]`, `{}`), 422, []string{"z2", "ring"}},
		{"lat 91", "/collections/zones/items", "application/geo+json", poly(`[[[106.7,10.7],[106.8,91],[106.8,10.8],[106.7,10.7]]]`, `{}`), 422, []string{"z2", "91"}},
		{"string in int field", "/collections/zones/items", "application/geo+json", poly(`[[[106.7,10.7],[106.8,10.7],[106.8,10.8],[106.7,10.7]]]`, `{"floors":"ba"}`), 422, []string{"z2", "floors"}},
		{"unknown layer", "/collections/nope/items", "application/geo+json", good, 404, []string{"nope"}},
		{"csv without geometry", "/collections/zones/items", "text/csv", "id,floors\nz9,2\n", 400, []string{"lon"}},
		{"wrong content type", "/collections/zones/items", "image/png", good, 415, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, _, b := srv.do("POST", tt.path, opsToken, tt.ctype, []byte(tt.body))
			if st != tt.status {
				t.Errorf("status %d, want %d: %s", st, tt.status, b)
			}
			if !strings.Contains(string(b), `"error"`) {
				t.Errorf("body is not a JSON error: %s", b)
			}
			for _, m := range tt.mentions {
				if !strings.Contains(string(b), m) {
					t.Errorf("error does not mention %q: %s", m, b)
				}
			}
			if after := snapshot(t, srv, "zones"); after != before {
				t.Errorf("stored data changed:\n%s\n%s", before, after)
			}
		})
	}
	t.Run("2 GB body", func(t *testing.T) {
		conn, err := net.Dial("tcp", strings.TrimPrefix(srv.base, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		fmt.Fprintf(conn, "POST /collections/zones/items HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: application/geo+json\r\nContent-Length: %d\r\n\r\n{\"type\":", opsToken, int64(2)<<30)
		status, err := bufio.NewReader(conn).ReadString('\n')
		if err != nil || !strings.Contains(status, "413") {
			t.Fatalf("status line %q, err %v", status, err)
		}
		if after := snapshot(t, srv, "zones"); after != before {
			t.Errorf("stored data changed")
		}
	})
}

func snapshot(t *testing.T, srv *server, layer string) string {
	t.Helper()
	st, b := srv.get("/collections/"+layer+"/items?limit=10000", opsToken)
	if st != 200 {
		t.Fatalf("snapshot: %d", st)
	}
	s := string(b)
	return s[:strings.Index(s, `"timeStamp"`)] // drop the time-varying tail
}
