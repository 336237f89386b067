package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// parcelsLayer is the catalog bando loads into: the demo's parcel fields,
// with the DBF's 10-character names as aliases.
const parcelsLayer = `layers:
  - id: parcels
    title: {vi: "Thửa đất (mô phỏng)", en: "Land parcels (synthetic)"}
    kind: parcel
    geometry: Polygon
    access: internal
    zoom: {min: 8, max: 18}
    attribution: "bando benchmark"
    synthetic: true
    fields:
      - {name: parcel_no, type: string, required: true}
      - {name: commune_code, type: string, from: [commune_co], required: true}
      - {name: land_use, type: string}
      - {name: area_m2, type: float}
      - {name: land_price, type: int}
      - {name: owner_status, type: string, from: [owner_stat], sensitivity: restricted}
`

// loadBando runs `bando ingest` on the zip into a fresh data directory and
// times the whole command: read, transform, validate, store with fsync.
func loadBando(ctx context.Context, bin, dir, zipPath string, n int) row {
	r := row{name: "bando ingest (embedded store)", note: "whole command: read zip, EPSG:6960 to WGS84, validate, durable Pebble write"}
	cfg := filepath.Join(dir, "bando.yaml")
	if err := os.WriteFile(cfg, []byte(parcelsLayer), 0o644); err != nil {
		r.err = err
		return r
	}
	data := filepath.Join(dir, "var")
	os.RemoveAll(data)
	cmd := exec.CommandContext(ctx, bin, "ingest", "--layer", "parcels", "--data", data, "--config", cfg, zipPath)
	var errOut strings.Builder
	cmd.Stderr = &errOut
	start := time.Now()
	out, err := cmd.Output()
	r.d = time.Since(start)
	if err != nil {
		r.err = fmt.Errorf("bando ingest: %v: %.500s", err, errOut.String())
		return r
	}
	var rep struct {
		Accepted int `json:"accepted"`
	}
	if err := json.Unmarshal(out, &rep); err != nil || rep.Accepted != n {
		r.err = fmt.Errorf("bando ingest accepted %d of %d (%v): %.300s", rep.Accepted, n, err, out)
		return r
	}
	r.n = rep.Accepted
	return r
}

// loadOGR has ogr2ogr load the same zip into a fresh PostGIS schema with
// COPY, transforming to EPSG:4326 through EPSG:6960, with its GiST index.
func loadOGR(ctx context.Context, dsn, zipPath string, n int) row {
	r := row{name: "ogr2ogr → PostGIS", note: "PG_USE_COPY=YES, -t_srs EPSG:4326 through EPSG:6960, GiST index"}
	ogr, err := exec.LookPath("ogr2ogr")
	if err != nil {
		r.err = fmt.Errorf("ogr2ogr not installed")
		return r
	}
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		r.err = fmt.Errorf("PostGIS %s: %w", dsn, err)
		return r
	}
	defer conn.Close(ctx)
	schema := fmt.Sprintf("bench_ingest_%d", os.Getpid())
	if _, err := conn.Exec(ctx, "CREATE EXTENSION IF NOT EXISTS postgis; CREATE SCHEMA "+schema); err != nil {
		r.err = err
		return r
	}
	defer conn.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
	cfg := conn.Config()
	pg := fmt.Sprintf("PG:host=%s port=%d dbname=%s user=%s", cfg.Host, cfg.Port, cfg.Database, cfg.User)
	if cfg.Password != "" {
		pg += " password=" + cfg.Password
	}
	cmd := exec.CommandContext(ctx, ogr, "-f", "PostgreSQL", pg, "/vsizip/"+zipPath+"/parcels.shp",
		"-nln", schema+".parcels", "-lco", "GEOMETRY_NAME=geom", "-nlt", "PROMOTE_TO_MULTI",
		"-s_srs", "EPSG:9210", "-t_srs", "EPSG:4326", "-ct", fromTM3)
	cmd.Env = append(os.Environ(), "PG_USE_COPY=YES")
	start := time.Now()
	out, err := cmd.CombinedOutput()
	r.d = time.Since(start)
	if err != nil {
		r.err = fmt.Errorf("ogr2ogr: %v: %.500s", err, out)
		return r
	}
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM "+schema+".parcels").Scan(&r.n); err != nil || r.n != n {
		r.err = fmt.Errorf("ogr2ogr loaded %d of %d (%v)", r.n, n, err)
	}
	return r
}
