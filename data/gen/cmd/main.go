// Command cmd writes a synthetic layer as newline-delimited GeoJSON:
//
//	go run ./data/gen/cmd -n 20000 -seed 79 > parcels.ndjson
//	go run ./data/gen/cmd -layer houses -n 50000 -seed 79 > houses.ndjson
//
// Layers: parcels, houses, street_lights, schools, clinics, commune_stats.
// Communes and roads come from the embedded demo data, or from -communes
// DIR holding communes.geojson.gz and osm_roads.overpass.json.gz.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"

	"bando/data"
	"bando/data/gen"
)

func main() {
	layer := flag.String("layer", "parcels", "layer to generate")
	n := flag.Int("n", -1, "number of parcels or houses (default: the demo's)")
	seed := flag.Int64("seed", gen.DemoSeed, "random seed")
	dir := flag.String("communes", "", "directory with "+gen.CommunesFile+" and "+gen.RoadsFile+" (default: embedded demo data)")
	flag.Parse()
	if err := run(*layer, *n, *seed, *dir); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(layer string, n int, seed int64, dir string) error {
	if !gen.IsLayer(layer) {
		return fmt.Errorf("unknown layer %q (want one of %v)", layer, gen.Layers)
	}
	fsys := data.Demo()
	if dir != "" {
		fsys = os.DirFS(dir)
	}
	if n < 0 {
		n = gen.DemoSize[layer]
	}
	cfg, err := gen.Load(fsys, seed, n)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(os.Stdout, 1<<20)
	if err := gen.Generate(layer, cfg, bw); err != nil {
		return err
	}
	return bw.Flush()
}
