package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb/encoding/wkb"

	"bando/layers"
	"bando/spatial"
	"bando/store"
	"bando/tiles"
)

// pgSchema is a schema of the benchmark's own (random name, dropped at the
// end) so that nothing else in the database is touched.
type pgSchema struct {
	dsn, name string
	admin     *pgx.Conn
	// prefix starts the table names of the data set being measured.
	prefix string
}

func newSchema(ctx context.Context, dsn string) (*pgSchema, error) {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return nil, fmt.Errorf("postgis %s: %w", dsn, err)
	}
	s := &pgSchema{dsn: dsn, name: fmt.Sprintf("bench_core_%x", rand.Uint32()), admin: conn}
	for _, q := range []string{"CREATE EXTENSION IF NOT EXISTS postgis SCHEMA public", "CREATE SCHEMA " + s.name} {
		if _, err := conn.Exec(ctx, q); err != nil {
			conn.Close(ctx)
			return nil, fmt.Errorf("postgis: %s: %w", q, err)
		}
	}
	return s, nil
}

func (s *pgSchema) drop(ctx context.Context) {
	s.admin.Exec(ctx, "DROP SCHEMA IF EXISTS "+s.name+" CASCADE")
	s.admin.Close(ctx)
}

func (s *pgSchema) table(layer string) string {
	return pgx.Identifier{s.name, s.prefix + layer}.Sanitize()
}

// pgType is the column type whose ST_AsMVT value encodes like bando's.
func pgType(t layers.FieldType) string {
	switch t {
	case layers.TypeInt:
		return "bigint"
	case layers.TypeFloat:
		return "double precision"
	case layers.TypeBool:
		return "boolean"
	}
	return "text" // strings, and times as bando writes them (tiles.FormatTime)
}

// copyLayer copies layer l from the store into a PostGIS table in EPSG:3857
// with the fields p may see (the ones bando encodes for p), then builds a
// GiST index and runs ANALYZE. It returns each feature's bound centre, for
// sampling tiles where the data is.
func (s *pgSchema) copyLayer(ctx context.Context, st *store.Pebble, l *layers.Layer, p layers.Principal) ([][2]float64, error) {
	fields := layers.VisibleFields(p, l)
	raw, cols, defs := []string{"fid"}, []string{"fid"}, []string{"fid bigint"}
	for _, i := range fields {
		name := pgx.Identifier{l.Fields[i].Name}.Sanitize()
		raw = append(raw, l.Fields[i].Name)
		cols = append(cols, name)
		defs = append(defs, name+" "+pgType(l.Fields[i].Type))
	}
	stage := s.table(l.ID + "_stage")
	create := fmt.Sprintf("CREATE UNLOGGED TABLE %s (%s, wkb bytea)", stage, strings.Join(defs, ", "))
	if _, err := s.admin.Exec(ctx, create); err != nil {
		return nil, fmt.Errorf("%s: %w", create, err)
	}
	var centres [][2]float64
	var rows [][]any
	flush := func() error {
		_, err := s.admin.CopyFrom(ctx, pgx.Identifier{s.name, s.prefix + l.ID + "_stage"}, append(raw, "wkb"), pgx.CopyFromRows(rows))
		rows = rows[:0]
		return err
	}
	err := st.Scan(ctx, l, func(f *spatial.Feature) error {
		b, err := wkb.Marshal(f.Geom)
		if err != nil {
			return fmt.Errorf("feature %s: %w", f.ID, err)
		}
		r := []any{int64(f.Num)}
		for _, i := range fields {
			r = append(r, pgValue(f.Props[i]))
		}
		rows = append(rows, append(r, b))
		centres = append(centres, [2]float64{(f.Bound.Min[0] + f.Bound.Max[0]) / 2, (f.Bound.Min[1] + f.Bound.Max[1]) / 2})
		if len(rows) == 10000 {
			return flush()
		}
		return nil
	})
	if err == nil && len(rows) > 0 {
		err = flush()
	}
	if err != nil {
		return nil, fmt.Errorf("copy %s: %w", l.ID, err)
	}
	t := s.table(l.ID)
	for _, q := range []string{
		fmt.Sprintf("CREATE TABLE %s AS SELECT %s, ST_Transform(ST_SetSRID(ST_GeomFromWKB(wkb), 4326), 3857) AS geom FROM %s", t, strings.Join(cols, ", "), stage),
		"DROP TABLE " + stage,
		fmt.Sprintf("CREATE INDEX ON %s USING gist (geom)", t),
		"ANALYZE " + t,
	} {
		if _, err := s.admin.Exec(ctx, q); err != nil {
			return nil, fmt.Errorf("%s: %w", q, err)
		}
	}
	return centres, nil
}

func pgValue(v any) any {
	if t, ok := v.(time.Time); ok {
		return tiles.FormatTime(t)
	}
	return v
}

// tileSQL is one layer's tile query the way Martin and pg_tileserv write
// it: the features whose box meets the buffered tile, ST_AsMVTGeom with
// extent 4096, buffer 256 and clipping, one MVT layer named like bando's.
func (s *pgSchema) tileSQL(l *layers.Layer, p layers.Principal) string {
	cols := []string{"fid"}
	for _, i := range layers.VisibleFields(p, l) {
		cols = append(cols, pgx.Identifier{l.Fields[i].Name}.Sanitize())
	}
	return fmt.Sprintf(`SELECT ST_AsMVT(q, '%s', 4096, 'geom', 'fid') FROM (
  SELECT %s, ST_AsMVTGeom(geom, ST_TileEnvelope($1::int, $2::int, $3::int), 4096, 256, true) AS geom
  FROM %s WHERE geom && ST_TileEnvelope($1::int, $2::int, $3::int, margin => 256.0 / 4096)) q`,
		l.ID, strings.Join(cols, ", "), s.table(l.ID))
}

// pool opens a pgx pool of n connections, each with every layer's tile
// statement prepared (named "tile_<layer>").
func (s *pgSchema) pool(ctx context.Context, n int, ls []*layers.Layer, p layers.Principal) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(s.dsn)
	if err != nil {
		return nil, err
	}
	cfg.MaxConns, cfg.MinConns = int32(n), int32(n)
	cfg.AfterConnect = func(ctx context.Context, c *pgx.Conn) error {
		for _, l := range ls {
			if _, err := c.Prepare(ctx, "tile_"+l.ID, s.tileSQL(l, p)); err != nil {
				return fmt.Errorf("prepare %s: %w", l.ID, err)
			}
		}
		return nil
	}
	return pgxpool.NewWithConfig(ctx, cfg)
}

// pgTile renders one tile in PostGIS; below the layer's min zoom it answers
// empty without a query, as bando does.
func pgTile(ctx context.Context, pool *pgxpool.Pool, l *layers.Layer, z, x, y int) ([]byte, error) {
	if z < l.Zoom.Min {
		return nil, nil
	}
	var b []byte
	err := pool.QueryRow(ctx, "tile_"+l.ID, z, x, y).Scan(&b)
	return b, err
}
