package gen

import (
	"fmt"
	"io"
	"io/fs"
	"slices"
)

// Layers are the layers this package generates, by catalog id.
var Layers = []string{"parcels", "houses", "street_lights", "schools", "clinics", "commune_stats"}

// DemoSeed is the seed of every synthetic layer of the demo.
const DemoSeed = 79

// DemoSize is how many features the demo holds of the layers whose size is
// a parameter; the others follow from the population and the roads.
var DemoSize = map[string]int{"parcels": 20000, "houses": 50000}

// Load reads the communes and the roads of the demo data (or a directory
// holding the same files) into a Config with the given seed and size.
func Load(fsys fs.FS, seed int64, n int) (Config, error) {
	communes, err := LoadCommunes(fsys)
	if err != nil {
		return Config{}, err
	}
	roads, err := LoadRoads(fsys)
	if err != nil {
		return Config{}, err
	}
	return Config{Seed: seed, N: n, Communes: communes, Roads: roads}, nil
}

// Generate writes the named layer (one of Layers) for cfg to w as
// newline-delimited GeoJSON. cfg.N counts parcels or houses and is
// ignored by the other layers.
func Generate(layer string, cfg Config, w io.Writer) error {
	switch layer {
	case "parcels":
		return Parcels(cfg, w)
	case "houses":
		return Houses(cfg, w)
	case "street_lights":
		return StreetLights(cfg, w)
	case "schools":
		return Schools(cfg, w)
	case "clinics":
		return Clinics(cfg, w)
	case "commune_stats":
		return CommuneStats(cfg, w)
	}
	return fmt.Errorf("gen: unknown layer %q (want one of %v)", layer, Layers)
}

// IsLayer reports whether Generate knows the layer.
func IsLayer(layer string) bool { return slices.Contains(Layers, layer) }

// CommuneStats writes one point per commune, inside it, with its synthetic
// population: properties code, name, population, households and
// density_km2. Ids are 1..len(cfg.Communes) in commune order.
func CommuneStats(cfg Config, w io.Writer) error {
	stats, err := Populations(cfg.Seed, cfg.Communes)
	if err != nil {
		return err
	}
	lw := newLineWriter(w, "commune stat")
	buf := make([]byte, 0, 256)
	for i := range stats {
		if buf, err = stats[i].appendJSON(buf[:0], i+1); err != nil {
			return fmt.Errorf("gen: commune %s: %w", stats[i].Code, err)
		}
		if err := lw.write(buf, i+1); err != nil {
			return err
		}
	}
	return lw.flush()
}
