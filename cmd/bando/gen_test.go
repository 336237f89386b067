package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// TestGenCmd runs `bando gen` in-process for each layer and checks the
// output is NDJSON features of the asked size, and that a bad layer is
// refused by name.
func TestGenCmd(t *testing.T) {
	tests := []struct {
		args  []string
		lines int // -1: any positive number
		field string
	}{
		{[]string{"--n", "7"}, 7, "parcel_no"},
		{[]string{"--layer", "houses", "--n", "25", "--seed", "3"}, 25, "household_status"},
		{[]string{"--layer", "commune_stats"}, 168, "population"},
		{[]string{"--layer", "street_lights"}, -1, "power_w"},
		{[]string{"--layer", "clinics", "--n", "5"}, -1, "beds"}, // --n does not size clinics
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var out bytes.Buffer
			if err := genCmd(tt.args, &out); err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
			if tt.lines >= 0 && len(lines) != tt.lines || tt.lines < 0 && len(lines) < 100 {
				t.Fatalf("%d lines, want %d", len(lines), tt.lines)
			}
			var f struct {
				Type       string         `json:"type"`
				Properties map[string]any `json:"properties"`
			}
			if err := json.Unmarshal([]byte(lines[len(lines)-1]), &f); err != nil || f.Type != "Feature" || f.Properties[tt.field] == nil {
				t.Fatalf("last line %s: %v, want a Feature with %s", lines[len(lines)-1], err, tt.field)
			}
		})
	}
	if err := genCmd([]string{"--layer", "trees"}, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), `unknown layer "trees"`) {
		t.Errorf("unknown layer: %v", err)
	}
}
