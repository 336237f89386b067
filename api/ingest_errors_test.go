package api

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"bando/ingest"
)

// TestIngestErrorStatus: an input over a limit is a 413, a body the
// declared format cannot read or an unknown format a 400, data that breaks
// the rules a 422; every error body is short JSON.
func TestIngestErrorStatus(t *testing.T) {
	s := newTestServer(t)
	s.cfg.Limits = ingest.Limits{MaxInputBytes: 1 << 20, MaxVertices: 10}
	var zeros bytes.Buffer
	w := gzip.NewWriter(&zeros)
	w.Write(make([]byte, 8<<20))
	w.Close()
	point := `{"type":"Feature","id":"a","geometry":{"type":"Point","coordinates":[106.7,10.7]},"properties":{"name":"n"}}`
	tests := []struct {
		name, target, ctype, body string
		status                    int
		code                      string
	}{
		{"gzip bomb", "/collections/pois/items", "text/csv", zeros.String(), 413, "payload_too_large"},
		{"decompressed over the limit", "/collections/pois/items", "application/x-ndjson", manyPoints(14000), 413, "payload_too_large"},
		{"long id", "/collections/pois/items", "application/geo+json", strings.Replace(point, `"a"`, `"`+strings.Repeat("i", 5000)+`"`, 1), 413, "payload_too_large"},
		{"too many vertices", "/collections/pois/items", "application/geo+json",
			`{"type":"Feature","id":"m","geometry":{"type":"MultiPoint","coordinates":[` + strings.Repeat("[1,1],", 11) + `[1,1]]}}`, 413, "payload_too_large"},
		{"unknown format", "/collections/pois/items?format=bogus", "application/geo+json", point, 400, "unknown_format"},
		{"geojson declared csv", "/collections/pois/items", "text/csv", point, 400, "invalid_input"},
		{"control character in id", "/collections/pois/items", "application/geo+json", strings.Replace(point, `"a"`, `"a\u0007"`, 1), 422, "invalid_input"},
		{"format alias", "/collections/pois/items?format=json", "", point, 201, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := call(s, "POST", tt.target, "s3cret", tt.ctype, tt.body)
			if r.Status != tt.status {
				t.Fatalf("status %d, want %d: %.300s", r.Status, tt.status, r.Body)
			}
			if tt.code == "" {
				return
			}
			var b errorBody
			if err := json.Unmarshal(r.Body, &b); err != nil || b.Error.Code != tt.code {
				t.Errorf("code %q (%v), want %q: %.300s", b.Error.Code, err, tt.code, r.Body)
			}
			if len(r.Body) > 1024 {
				t.Errorf("error body of %d bytes", len(r.Body))
			}
		})
	}
}

func manyPoints(n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString(`{"type":"Feature","id":"p` + strconv.Itoa(i) + `","geometry":{"type":"Point","coordinates":[106.7,10.7]}}` + "\n")
	}
	return b.String()
}

// TestIngestLimitDefaultsToMaxBody: with no Limits, a gzip body may not
// decompress to more than MaxBody.
func TestIngestLimitDefaultsToMaxBody(t *testing.T) {
	s := New(Config{MaxBody: 1000})
	if s.cfg.Limits.MaxInputBytes != 1000 {
		t.Fatalf("MaxInputBytes %d, want MaxBody", s.cfg.Limits.MaxInputBytes)
	}
}
