package archive

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"

	_ "modernc.org/sqlite" // the cgo-free SQLite driver, registered as "sqlite"
)

// MBTiles 1.3 schema: rows are TMS (row 0 at the south), tile_data the
// stored bytes. Vector tiles in MBTiles are gzip-compressed by convention
// (tippecanoe, GDAL), which is what the exporter stores.
const mbtilesSchema = `
CREATE TABLE metadata (name TEXT, value TEXT);
CREATE UNIQUE INDEX metadata_name ON metadata (name);
CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB);
CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row);`

// MBTilesWriter writes an MBTiles 1.3 file in one transaction, to a
// temporary name renamed to the path on Close.
type MBTilesWriter struct {
	path, tmp string
	format    string
	db        *sql.DB
	tx        *sql.Tx
	ins       *sql.Stmt
	count     int
}

// CreateMBTiles starts an MBTiles file of the given tile type ("pbf" for
// MVT, the format name MBTiles readers know; "mlt" for MapLibre Tiles).
func CreateMBTiles(path string, t TileType) (*MBTilesWriter, error) {
	w := &MBTilesWriter{path: path, format: "pbf"}
	if t == TypeMLT {
		w.format = "mlt"
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".mbtiles-*")
	if err != nil {
		return nil, fmt.Errorf("archive: %w", err)
	}
	w.tmp = f.Name()
	f.Close()
	// The file is private until renamed, so durability costs nothing here:
	// no journal, no fsync per page.
	dsn := "file:" + (&url.URL{Path: w.tmp}).EscapedPath() + "?_pragma=journal_mode(OFF)&_pragma=synchronous(OFF)"
	if w.db, err = sql.Open("sqlite", dsn); err != nil {
		w.Abort()
		return nil, fmt.Errorf("archive: mbtiles: %w", err)
	}
	w.db.SetMaxOpenConns(1)
	if _, err := w.db.Exec(mbtilesSchema); err != nil {
		w.Abort()
		return nil, fmt.Errorf("archive: mbtiles schema: %w", err)
	}
	if w.tx, err = w.db.Begin(); err == nil {
		w.ins, err = w.tx.Prepare(`INSERT INTO tiles (zoom_level, tile_column, tile_row, tile_data) VALUES (?, ?, ?, ?)`)
	}
	if err != nil {
		w.Abort()
		return nil, fmt.Errorf("archive: mbtiles: %w", err)
	}
	return w, nil
}

// WriteTile adds the stored bytes of tile z/x/y (XYZ; the row is flipped
// to TMS here). An empty tile is skipped.
func (w *MBTilesWriter) WriteTile(z uint8, x, y uint32, data []byte) error {
	if len(data) == 0 {
		return nil
	}
	if _, err := w.ins.Exec(int(z), int64(x), tmsRow(z, y), data); err != nil {
		return fmt.Errorf("archive: mbtiles tile %d/%d/%d: %w", z, x, y, err)
	}
	w.count++
	return nil
}

// tmsRow converts an XYZ row to TMS and back (the flip is its own inverse).
func tmsRow(z uint8, y uint32) int64 { return int64(1)<<z - 1 - int64(y) }

// Close writes the metadata table, commits and renames the file to path.
func (w *MBTilesWriter) Close(m Metadata) error {
	defer w.Abort()
	if err := m.check(); err != nil {
		return err
	}
	layers, err := json.Marshal(struct {
		VectorLayers []VectorLayer `json:"vector_layers"`
	}{m.VectorLayers})
	if err != nil {
		return fmt.Errorf("archive: metadata: %w", err)
	}
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	rows := [][2]string{
		{"name", m.Name}, {"format", w.format}, {"type", or(m.Type, "overlay")}, {"version", or(m.Version, "1")},
		{"description", m.Description}, {"attribution", m.Attribution},
		{"bounds", f(m.Bounds[0]) + "," + f(m.Bounds[1]) + "," + f(m.Bounds[2]) + "," + f(m.Bounds[3])},
		{"center", f(m.Center[0]) + "," + f(m.Center[1]) + "," + f(m.Center[2])},
		{"minzoom", strconv.Itoa(m.MinZoom)}, {"maxzoom", strconv.Itoa(m.MaxZoom)},
		{"json", string(layers)}, {"generator", m.Generator}, {"bando:clearance", m.Clearance},
	}
	if b, err := json.Marshal(m.Layers); err == nil && len(m.Layers) > 0 {
		rows = append(rows, [2]string{"bando:layers", string(b)})
	}
	for _, r := range rows {
		if _, err := w.tx.Exec(`INSERT INTO metadata (name, value) VALUES (?, ?)`, r[0], r[1]); err != nil {
			return fmt.Errorf("archive: mbtiles metadata %s: %w", r[0], err)
		}
	}
	if err := w.tx.Commit(); err != nil {
		return fmt.Errorf("archive: mbtiles commit: %w", err)
	}
	w.tx = nil
	if err := w.db.Close(); err != nil {
		return fmt.Errorf("archive: mbtiles: %w", err)
	}
	w.db = nil
	// CreateTemp makes the file private; an archive is meant to be shared.
	if err := os.Chmod(w.tmp, 0o644); err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	if err := os.Rename(w.tmp, w.path); err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	w.tmp = ""
	return nil
}

// Abort drops the unfinished file; after Close it does nothing.
func (w *MBTilesWriter) Abort() {
	if w.tx != nil {
		_ = w.tx.Rollback()
		w.tx = nil
	}
	if w.db != nil {
		_ = w.db.Close()
		w.db = nil
	}
	if w.tmp != "" {
		os.Remove(w.tmp)
		w.tmp = ""
	}
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// MBTilesReader looks tiles up in an MBTiles file, one indexed query per
// tile, opened read-only. It is safe for concurrent use.
type MBTilesReader struct {
	db   *sql.DB
	get  *sql.Stmt
	meta Metadata
}

// OpenMBTiles opens an MBTiles file read-only and reads its metadata.
func OpenMBTiles(path string) (*MBTilesReader, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("archive: %w", err)
	}
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() + "?mode=ro&_pragma=query_only(1)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("archive: %s: %w", path, err)
	}
	r := &MBTilesReader{db: db}
	if r.meta, err = readMBTilesMetadata(db); err == nil {
		r.get, err = db.Prepare(`SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?`)
	}
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("archive: %s: %w: %v", path, ErrFormat, err)
	}
	return r, nil
}

// readMBTilesMetadata reads the metadata table; zooms and bounds that are
// absent or malformed keep their zero values.
func readMBTilesMetadata(db *sql.DB) (Metadata, error) {
	var m Metadata
	rows, err := db.Query(`SELECT name, value FROM metadata`)
	if err != nil {
		return m, err
	}
	defer rows.Close()
	kv := map[string]string{}
	for rows.Next() {
		var k, v sql.NullString
		if err := rows.Scan(&k, &v); err != nil {
			return m, err
		}
		kv[k.String] = v.String
	}
	if err := rows.Err(); err != nil {
		return m, err
	}
	m.Name, m.Description, m.Attribution = kv["name"], kv["description"], kv["attribution"]
	m.Type, m.Version, m.Generator, m.Clearance = kv["type"], kv["version"], kv["generator"], kv["bando:clearance"]
	m.MinZoom, _ = strconv.Atoi(kv["minzoom"])
	m.MaxZoom, _ = strconv.Atoi(kv["maxzoom"])
	parseFloats(kv["bounds"], m.Bounds[:])
	parseFloats(kv["center"], m.Center[:])
	var j struct {
		VectorLayers []VectorLayer `json:"vector_layers"`
	}
	if s := kv["json"]; s != "" {
		if err := json.Unmarshal([]byte(s), &j); err != nil {
			return m, fmt.Errorf("metadata json: %w", err)
		}
	}
	m.VectorLayers = j.VectorLayers
	if s := kv["bando:layers"]; s != "" {
		_ = json.Unmarshal([]byte(s), &m.Layers) // informative only
	}
	return m, nil
}

// parseFloats fills dst from "a,b,c" when every part parses.
func parseFloats(s string, dst []float64) {
	var out []float64
	for part := range splitComma(s) {
		v, err := strconv.ParseFloat(part, 64)
		if err != nil {
			return
		}
		out = append(out, v)
	}
	if len(out) == len(dst) {
		copy(dst, out)
	}
}

// Metadata returns the file's metadata.
func (r *MBTilesReader) Metadata() Metadata { return r.meta }

// Tile returns the stored bytes of tile z/x/y (XYZ), nil when absent.
func (r *MBTilesReader) Tile(ctx context.Context, z uint8, x, y uint32) ([]byte, error) {
	if z > maxZoom || x >= 1<<z || y >= 1<<z {
		return nil, nil
	}
	var b []byte
	err := r.get.QueryRowContext(ctx, int(z), int64(x), tmsRow(z, y)).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("archive: mbtiles tile %d/%d/%d: %w", z, x, y, err)
	}
	return b, nil
}

// Walk calls fn for every tile, in no particular order.
func (r *MBTilesReader) Walk(ctx context.Context, fn func(z uint8, x, y uint32, data []byte) error) error {
	rows, err := r.db.QueryContext(ctx, `SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles`)
	if err != nil {
		return fmt.Errorf("archive: mbtiles: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var z, x, row int64
		var b []byte
		if err := rows.Scan(&z, &x, &row, &b); err != nil {
			return fmt.Errorf("archive: mbtiles: %w", err)
		}
		if z < 0 || z > maxZoom || x < 0 || x >= 1<<z || row < 0 || row >= 1<<z {
			return fmt.Errorf("%w: mbtiles tile %d/%d/%d (TMS) does not exist", ErrFormat, z, x, row)
		}
		if err := fn(uint8(z), uint32(x), uint32(tmsRow(uint8(z), uint32(row))), b); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Close closes the database.
func (r *MBTilesReader) Close() error {
	r.get.Close()
	return r.db.Close()
}
