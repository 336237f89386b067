package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestREADMEConfigParses keeps the README's config example honest: every key
// it documents must be one the loader accepts (unknown keys are errors).
func TestREADMEConfigParses(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(b), "```yaml\n")
	if !ok {
		t.Fatal("README has no ```yaml block")
	}
	block, _, ok := strings.Cut(rest, "```")
	if !ok {
		t.Fatal("README's yaml block is not closed")
	}
	file := filepath.Join(t.TempDir(), "bando.yaml")
	if err := os.WriteFile(file, []byte(block), 0o600); err != nil {
		t.Fatal(err)
	}
	c := defaultConfig()
	if err := c.loadFile(file); err != nil {
		t.Fatalf("README config: %v", err)
	}
	if err := c.Limits.validate(); err != nil {
		t.Fatalf("README limits: %v", err)
	}
	if c.Limits.MaxRatio != 100 || c.TileCacheMB != 0 || len(c.CORSOrigins) != 1 {
		t.Errorf("README config read as %+v", c)
	}
}
