package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"bando/twin/sim"
)

// simulateCmd writes a synthetic fleet: positions (the HTTP feed's NDJSON,
// by time; stdout unless --out), the registry and the scripted events'
// ground truth.
func simulateCmd(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "vessels" {
		return errors.New("usage: bando simulate vessels --n N --seed S --hours H [--start RFC3339] [--out FILE] [--registry FILE] [--truth FILE]")
	}
	fs := flag.NewFlagSet("simulate vessels", flag.ContinueOnError)
	fs.SetOutput(stderr)
	n := fs.Int("n", 40, "vessels")
	seed := fs.Uint64("seed", 1, "random seed: the same seed gives the same bytes")
	hours := fs.Float64("hours", 24, "simulated hours")
	start := fs.String("start", "2026-03-01T00:00:00Z", "start time, RFC 3339")
	events := fs.Bool("events", true, "script the IUU events (needs ≥ 9 vessels and ≥ 24 hours)")
	out := fs.String("out", "", "positions file (default stdout)")
	reg := fs.String("registry", "", "registry file")
	truth := fs.String("truth", "", "ground-truth file of the scripted events")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	t0, err := time.Parse(time.RFC3339, *start)
	if err != nil {
		return fmt.Errorf("simulate: --start: %w", err)
	}
	w, err := sim.DemoWorld()
	if err != nil {
		return err
	}
	f, err := sim.Generate(w, sim.Config{N: *n, Seed: *seed, Start: t0.UTC(), Hours: *hours, Events: *events})
	if err != nil {
		return err
	}
	if err := writeTo(*out, stdout, f.WritePositions); err != nil {
		return err
	}
	if *reg != "" {
		if err := writeTo(*reg, nil, f.WriteRegistry); err != nil {
			return err
		}
	}
	if *truth != "" {
		if err := writeTo(*truth, nil, f.WriteTruth); err != nil {
			return err
		}
	}
	fmt.Fprintf(stderr, "simulate: %d synthetic vessels, %d positions, %d scripted events\n",
		len(f.Registry), len(f.Positions), len(f.Truth))
	return nil
}

// writeTo writes to path, or to def when path is empty.
func writeTo(path string, def io.Writer, write func(io.Writer) error) error {
	if path == "" {
		return write(def)
	}
	fh, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("simulate: %w", err)
	}
	if err := write(fh); err != nil {
		fh.Close()
		return err
	}
	if err := fh.Close(); err != nil {
		return fmt.Errorf("simulate: %w", err)
	}
	return nil
}
