package api

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"bando/internal/testenv"
)

// examples fill a route's path parameters to make a path it serves.
var examples = map[string]string{
	"collectionId": "pois", "featureId": "p1", "indicatorId": "x", "objectId": "v1", "alertId": "a1",
	"layers": "pois", "z": "3", "x": "1", "y": "2",
}

func examplePath(rt *route) string {
	var b strings.Builder
	for _, sg := range rt.segs {
		b.WriteByte('/')
		if sg.param == "" {
			b.WriteString(sg.lit)
			continue
		}
		b.WriteString(examples[sg.param] + sg.suffix)
	}
	if b.Len() == 0 {
		return "/"
	}
	return b.String()
}

// TestRoutesDocumented: every parameter a route names is described, and
// every route has a unique operation id, a tag the definition lists and a
// summary.
func TestRoutesDocumented(t *testing.T) {
	s := newTestServer(t)
	doc := s.openAPI("http://x")
	var tags []string
	for _, tg := range doc["tags"].(arr) {
		tags = append(tags, tg.(obj)["name"].(string))
	}
	seen := map[string]bool{}
	for _, rt := range s.routes {
		if seen[rt.name] {
			t.Errorf("operationId %q twice", rt.name)
		}
		seen[rt.name] = true
		if !slices.Contains(tags, rt.tag) || rt.summary == "" {
			t.Errorf("%s %s: tag %q or summary missing", rt.method, rt.path, rt.tag)
		}
		for _, sg := range rt.segs {
			if sg.param != "" && params[sg.param].desc == "" {
				t.Errorf("%s: path parameter %q undocumented", rt.path, sg.param)
			}
		}
		for _, q := range rt.query {
			if params[q].desc == "" || params[q].typ == "" {
				t.Errorf("%s %s: query parameter %q undocumented", rt.method, rt.path, q)
			}
		}
	}
}

// TestRouterServesTheTable: a path made from each route reaches that
// route (its metrics label) with its method, and another method on it is
// a 405 naming the allowed ones; paths no route has are 404s.
func TestRouterServesTheTable(t *testing.T) {
	s := newTestServer(t)
	for _, rt := range s.routes {
		path := examplePath(&rt)
		r := NewRequest(rt.method, path, nil)
		r.Header.Set("Authorization", "Bearer s3cret")
		got, resp := s.route(context.Background(), r)
		if got != rt.metricName() {
			t.Errorf("%s %s: routed to %q (%d), want %q", rt.method, path, got, resp.Status, rt.metricName())
		}
		if resp.Status == http.StatusMethodNotAllowed {
			t.Errorf("%s %s: 405", rt.method, path)
		}
	}
	for _, c := range []struct{ method, path string }{
		{"DELETE", "/collections"}, {"POST", "/collections/pois"}, {"PATCH", "/collections/pois/items/p1"},
		{"DELETE", "/api/query"}, {"POST", "/tiles/pois/1/1/1.mvt"}, {"POST", "/conformance"},
	} {
		got, resp := s.route(context.Background(), NewRequest(c.method, c.path, nil))
		if resp.Status != http.StatusMethodNotAllowed || resp.Header.Get("Allow") == "" {
			t.Errorf("%s %s: %s %d Allow=%q, want 405 with Allow", c.method, c.path, got, resp.Status, resp.Header.Get("Allow"))
		}
	}
	for _, p := range []string{"/collections/pois/nope", "/api/nope", "/api/twin", "/tiles/a/b", "/collections/pois/items/p1/x"} {
		_, resp := s.route(context.Background(), NewRequest("GET", p, nil))
		if resp.Status != http.StatusNotFound || !json.Valid(resp.Body) {
			t.Errorf("GET %s: %d %s, want a JSON 404", p, resp.Status, resp.Body)
		}
	}
}

// TestAPIDefinition: /api answers JSON, YAML and HTML, lists every route
// of the table, and the landing page links it.
func TestAPIDefinition(t *testing.T) {
	s := newTestServer(t)
	r := call(s, "GET", "/api", "", "", "")
	if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/vnd.oai.openapi+json") {
		t.Fatalf("/api: %d %s", r.Status, r.Header.Get("Content-Type"))
	}
	var doc struct {
		OpenAPI string                    `json:"openapi"`
		Paths   map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(r.Body, &doc); err != nil || doc.OpenAPI != "3.0.3" {
		t.Fatalf("/api: %v %q", err, doc.OpenAPI)
	}
	for _, rt := range s.routes {
		if doc.Paths[rt.path][strings.ToLower(rt.method)] == nil {
			t.Errorf("%s %s missing from /api", rt.method, rt.path)
		}
	}
	if y := call(s, "GET", "/api?f=yaml", "", "", ""); y.Status != 200 || !bytes.Contains(y.Body, []byte("openapi: 3.0.3")) {
		t.Errorf("/api?f=yaml: %d %.80s", y.Status, y.Body)
	}
	rq := NewRequest("GET", "/api", nil)
	rq.Header.Set("Accept", "text/html,application/xhtml+xml")
	if h := s.Handle(context.Background(), rq); h.Status != 200 || !bytes.Contains(h.Body, []byte("/collections/{collectionId}/items")) {
		t.Errorf("/api as HTML: %d %.80s", h.Status, h.Body)
	}
	if b := call(s, "GET", "/api?f=xml", "", "", ""); b.Status != 400 {
		t.Errorf("/api?f=xml: %d", b.Status)
	}
	land := call(s, "GET", "/?f=json", "", "", "")
	for _, rel := range []string{`"service-desc"`, `"service-doc"`} {
		if !bytes.Contains(land.Body, []byte(rel)) {
			t.Errorf("landing page lacks %s", rel)
		}
	}
}

// TestAPIDefinitionValidates runs swagger-parser (tools/oascheck) on /api:
// the document is valid OpenAPI 3.0 and has every operation of the table.
func TestAPIDefinitionValidates(t *testing.T) {
	node := testenv.Node(t)
	dir := "../tools/oascheck"
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "@apidevtools", "swagger-parser")); err != nil {
		testenv.Missing(t, "tools/oascheck packages (make tools)")
	}
	s := newTestServer(t)
	r := call(s, "GET", "/api", "", "", "")
	cmd := exec.Command(node, filepath.Join(dir, "check.js"))
	cmd.Stdin = bytes.NewReader(r.Body)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("oascheck: %v", err)
	}
	var res struct {
		Valid      bool     `json:"valid"`
		Error      string   `json:"error"`
		Operations []string `json:"operations"`
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("oascheck: %v: %s", err, out)
	}
	if !res.Valid {
		t.Fatalf("swagger-parser: %s", res.Error)
	}
	for _, rt := range s.routes {
		if !slices.Contains(res.Operations, rt.method+" "+rt.path) {
			t.Errorf("swagger-parser does not see %s %s", rt.method, rt.path)
		}
	}
	if len(res.Operations) != len(s.routes) {
		t.Errorf("%d operations, %d routes", len(res.Operations), len(s.routes))
	}
}
