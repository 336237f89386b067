// Command cmd writes synthetic parcels as newline-delimited GeoJSON:
//
//	go run ./data/gen/cmd -n 20000 -seed 79 > parcels.ndjson
//
// Communes come from the embedded demo data, or from -communes DIR holding
// communes.geojson.gz.
package main

import (
	"flag"
	"fmt"
	"os"

	"bando/data"
	"bando/data/gen"
)

func main() {
	n := flag.Int("n", 20000, "number of parcels")
	seed := flag.Int64("seed", 79, "random seed")
	dir := flag.String("communes", "", "directory with "+gen.CommunesFile+" (default: embedded demo data)")
	flag.Parse()
	if err := run(*n, *seed, *dir); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(n int, seed int64, dir string) error {
	fsys := data.Demo()
	if dir != "" {
		fsys = os.DirFS(dir)
	}
	communes, err := gen.LoadCommunes(fsys)
	if err != nil {
		return err
	}
	return gen.Parcels(gen.Config{Seed: seed, N: n, Communes: communes}, os.Stdout)
}
