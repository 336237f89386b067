package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestDemoZonesAreChecked: without a rules file, the demo's fishing zones
// drive outside_permitted_zone — a 10 m vessel (coastal band only) fishing
// in the offshore band is flagged after its second fix, and a 20 m vessel
// (offshore only) at the same place is not.
func TestDemoZonesAreChecked(t *testing.T) {
	dir := t.TempDir()
	reg := filepath.Join(dir, "reg.ndjson")
	pos := filepath.Join(dir, "pos.ndjson")
	if err := os.WriteFile(reg, []byte(`{"id":"SMALL","mmsi":574000001,"registration":"SMALL","length_m":10,"home_province":"79","kind":"fishing"}
{"id":"BIG","mmsi":574000002,"registration":"BIG","length_m":20,"home_province":"79","kind":"fishing"}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	t0 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for i := range 4 {
		for j, id := range []string{"SMALL", "BIG"} {
			fmt.Fprintf(&b, `{"id":%q,"t":%q,"lon":%.4f,"lat":%.4f,"sog":3,"cog":90,"source":"vms"}`+"\n",
				id, t0.Add(time.Duration(i)*10*time.Minute).Format(time.RFC3339), 107.8+0.001*float64(i), 9.8+0.02*float64(j))
		}
	}
	if err := os.WriteFile(pos, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if err := dispatch(context.Background(), []string{"twin", "replay", "--registry", reg, pos}, &out, &errOut); err != nil {
		t.Fatalf("%v: %s", err, errOut.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 1 || !strings.Contains(lines[0], `"kind":"outside_permitted_zone"`) || !strings.Contains(lines[0], `"objects":["SMALL"]`) ||
		!strings.Contains(lines[0], `"opened_at":"2026-11-01T00:10:00Z"`) {
		t.Errorf("alerts:\n%s", out.String())
	}
}
