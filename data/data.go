// Package data holds bando's demo data — real, licensed and attributed
// layers of Hồ Chí Minh City plus synthetic parcels and scenario layers
// (houses, street lights, schools, clinics, commune populations) — embedded
// in the binary, and (in data/gen) the generators of the synthetic layers.
//
// The demo files are built by data/prep from the shared source data set;
// demo/ATTRIBUTION.md says where each one comes from and what was changed.
package data

import (
	"embed"
	"fmt"
	"io/fs"

	"bando/layers"
)

// CatalogFile is the layer catalog of the demo data, relative to Demo().
const CatalogFile = "layers.yaml"

//go:embed demo
var demo embed.FS

// Demo returns the embedded demo data, rooted at the demo directory: the
// catalog, the layer files named by each layer's demo field, ATTRIBUTION.md
// and licenses/.
func Demo() fs.FS {
	sub, err := fs.Sub(demo, "demo")
	if err != nil {
		panic(err) // "demo" is a valid path; fs.Sub cannot fail
	}
	return sub
}

// DemoCatalog parses the demo layer catalog.
func DemoCatalog() (*layers.Catalog, error) {
	b, err := fs.ReadFile(Demo(), CatalogFile)
	if err != nil {
		return nil, fmt.Errorf("data: %w", err)
	}
	c, err := layers.Parse(b)
	if err != nil {
		return nil, fmt.Errorf("data: %s: %w", CatalogFile, err)
	}
	return c, nil
}
