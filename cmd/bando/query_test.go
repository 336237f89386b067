package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestQueryCommand ingests probes into a stopped data directory and asks
// the same questions the API answers, as JSON and CSV.
func TestQueryCommand(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "bando.yaml")
	if err := os.WriteFile(cfg, []byte(probeLayer), 0o644); err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(dir, "probes.ndjson")
	var b strings.Builder
	for i, note := range []string{"x", "y", "x"} {
		b.WriteString(`{"type":"Feature","id":` + itoa(i+1) + `,"geometry":{"type":"Point","coordinates":[106.7,10.7` + itoa(i) +
			`]},"properties":{"n":` + itoa(i+1) + `,"note":"` + note + `"}}` + "\n")
	}
	if err := os.WriteFile(in, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(dir, "var")
	ctx := context.Background()
	var out, errOut bytes.Buffer
	if err := dispatch(ctx, []string{"ingest", "--layer", "probes", "--data", data, "--config", cfg, in}, &out, &errOut); err != nil {
		t.Fatalf("ingest: %v %s", err, errOut.String())
	}
	ask := func(args ...string) (string, error) {
		out.Reset()
		err := dispatch(ctx, append([]string{"query", "--data", data, "--config", cfg}, args...), &out, &errOut)
		return out.String(), err
	}
	got, err := ask(`{"layer":"probes","group_by":["field:note"],"aggregate":[{"op":"count"},{"op":"sum","field":"n"}]}`)
	want := `{"groups":[{"key":{"note":"x"},"count":2,"sum_n":4},{"key":{"note":"y"},"count":1,"sum_n":2}],"total":{"count":3,"sum_n":6}}` + "\n"
	if err != nil || got != want {
		t.Errorf("grouped: %v %q, want %q", err, got, want)
	}
	got, err = ask("--csv", `{"layer":"probes","filter":{"field":"note","op":"=","value":"x"},"properties":["n"]}`)
	if want := "\uFEFFid,n\n1,1\n3,3\n"; err != nil || got != want {
		t.Errorf("csv: %v %q, want %q", err, got, want)
	}
	if _, err := ask(`{"layer":"probes","filter":{"field":"n","op":">","value":"x"}}`); err == nil || !strings.Contains(err.Error(), "filter.value") {
		t.Errorf("type mismatch: %v", err)
	}
	if _, err := ask(); err == nil || !strings.Contains(err.Error(), "-f FILE") {
		t.Errorf("no question: %v", err)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }
