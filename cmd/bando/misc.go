package main

import (
	"bando/layers"
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"bando/api"
	"bando/data"
	"bando/data/gen"
)

// layersLocal lists the built-in and configured catalog (no server).
func layersLocal(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("layers", flag.ContinueOnError)
	cfgFile := fs.String("config", os.Getenv("BANDO_CONFIG"), "YAML config file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	_, cat, err := configAndCatalog(*cfgFile)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tKIND\tGEOMETRY\tACCESS\tZOOM\tFIELDS\tSYNTHETIC\tTITLE")
	for _, l := range cat.All() {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d-%d\t%d\t%v\t%s / %s\n", l.ID, l.Kind, l.Geometry, l.Access,
			l.Zoom.Min, l.Zoom.Max, len(l.Fields), l.Synthetic, l.Title.VI, l.Title.EN)
	}
	return tw.Flush()
}

func genCmd(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	layer := fs.String("layer", "parcels", "layer to generate: "+strings.Join(gen.Layers, ", "))
	n := fs.Int("n", 1000000, "number of parcels or houses (the other layers follow from population and roads)")
	seed := fs.Int64("seed", 1, "random seed (same seed, same output)")
	out := fs.String("out", "", "output file (default stdout)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if !gen.IsLayer(*layer) {
		return fmt.Errorf("gen: unknown layer %q (want one of %s)", *layer, strings.Join(gen.Layers, ", "))
	}
	cfg, err := gen.Load(data.Demo(), *seed, *n)
	if err != nil {
		return err
	}
	w := stdout
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	if err := gen.Generate(*layer, cfg, bw); err != nil {
		return err
	}
	return bw.Flush()
}

func hashTokenCmd(args []string, stdout io.Writer) error {
	if len(args) != 1 {
		return fmt.Errorf("hash-token: need exactly one secret")
	}
	fmt.Fprintln(stdout, api.HashToken(args[0]))
	return nil
}

// configAndCatalog reads the config file (if any) over the defaults and
// builds the layer catalog, for commands that work on files, not a server.
func configAndCatalog(file string) (Config, *layers.Catalog, error) {
	cfg := defaultConfig()
	if file != "" {
		if err := cfg.loadFile(file); err != nil {
			return cfg, nil, err
		}
	}
	cat, err := catalog(cfg)
	return cfg, cat, err
}
