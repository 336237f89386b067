package main

import (
	"fmt"
	"os"
	"path/filepath"

	"gopkg.in/yaml.v3"

	"bando/layers"
)

// Issue 5's comparison is like for like: PostGIS's ST_AsMVT draws every
// feature, so bando's tiles must too. plainCatalog turns the catalog's
// generalisation off (no density cells, clusters, minimum sizes or fields
// per zoom; the simplification stays the one ST_AsMVTGeom's grid rounding
// matches), for the in-process renderer and, through a layers file, for
// the server. Issue 7's suite measures generalisation itself and keeps it.
func plainCatalog(cat *layers.Catalog) (*layers.Catalog, []byte, error) {
	zero := 0.0
	var plain []*layers.Layer
	for _, l := range cat.All() {
		cp := *l
		switch cp.Generalize = (layers.Generalize{}); cp.Geometry {
		case layers.GeomPolygon:
			cp.Generalize.MinArea, cp.Generalize.Density = &zero, &layers.Density{Below: 0}
		case layers.GeomLineString:
			cp.Generalize.MinLength = &zero
		case layers.GeomAny:
			cp.Generalize.MinArea, cp.Generalize.MinLength = &zero, &zero
		}
		plain = append(plain, &cp)
	}
	doc, err := yaml.Marshal(map[string]any{"layers": plain})
	if err != nil {
		return nil, nil, fmt.Errorf("plain catalog: %w", err)
	}
	extra, err := layers.Parse(doc)
	if err != nil {
		return nil, nil, fmt.Errorf("plain catalog: %w", err)
	}
	out, err := cat.Merge(extra)
	return out, doc, err
}

// usePlainCatalog makes the run's catalog and server config plain.
func (e *env) usePlainCatalog() error {
	cat, doc, err := plainCatalog(e.cat)
	if err != nil {
		return err
	}
	path := filepath.Join(e.dir, "layers-plain.yaml")
	if err := os.WriteFile(path, doc, 0o644); err != nil {
		return err
	}
	f, err := os.OpenFile(e.cfg, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	if _, err := fmt.Fprintf(f, "layers_file: %s\n", path); err != nil {
		return err
	}
	e.cat = cat
	e.t.notes = append(e.t.notes, "generalisation off on both sides (density cells, clusters, minimum sizes, fields per zoom): ST_AsMVT draws every feature")
	return nil
}
