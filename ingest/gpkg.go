package ingest

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/paulmach/orb"
	_ "modernc.org/sqlite" // the cgo-free SQLite driver, registered as "sqlite"

	"bando/crs"
)

// gpkgTable is a feature table of a GeoPackage.
type gpkgTable struct {
	name, geom string
	srs        int
}

// readGeoPackage reads every feature table (or Options.Table) of a
// GeoPackage, row by row, with SQLite opened read-only on the file.
func readGeoPackage(c *collector, ra *randomAccess) error {
	p := ra.path
	if p == "" { // only in memory: SQLite needs a file
		f, err := os.CreateTemp("", "bando-gpkg-*")
		if err != nil {
			return fmt.Errorf("ingest: %w", err)
		}
		defer os.Remove(f.Name())
		_, err = io.Copy(f, io.NewSectionReader(ra.r, 0, ra.size))
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("ingest: spool GeoPackage: %w", err)
		}
		p = f.Name()
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		return fmt.Errorf("ingest: %w", err)
	}
	dsn := (&url.URL{Scheme: "file", Path: abs, RawQuery: "mode=ro&immutable=1"}).String()
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return fmt.Errorf("ingest: %w", err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	ctx := context.Background()
	tables, err := gpkgTables(ctx, db, c.opt.Table)
	if err != nil {
		c.fatalIn(filepath.Base(p), 0, RuleGeoPackage, err.Error())
		return nil
	}
	for _, t := range tables {
		var n int
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM `+quoteIdent(t.name)).Scan(&n); err == nil {
			c.total += n
		}
	}
	for _, t := range tables {
		prefix := ""
		if len(tables) > 1 {
			prefix = t.name + ":"
			c.note("the GeoPackage holds several feature tables: ids of rows without an id column are <table>:<fid>")
		}
		if err := readGpkgTable(ctx, c, db, t, prefix); err != nil || len(c.fatals) > 0 {
			return err
		}
	}
	return nil
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// gpkgTables lists the feature tables with their geometry column and srs.
func gpkgTables(ctx context.Context, db *sql.DB, only string) ([]gpkgTable, error) {
	rows, err := db.QueryContext(ctx, `SELECT c.table_name, g.column_name, g.srs_id
		FROM gpkg_contents c JOIN gpkg_geometry_columns g ON g.table_name = c.table_name
		WHERE c.data_type = 'features' ORDER BY c.table_name`)
	if err != nil {
		return nil, fmt.Errorf("not a GeoPackage (%v)", err)
	}
	defer rows.Close()
	var out []gpkgTable
	var names []string
	for rows.Next() {
		var t gpkgTable
		if err := rows.Scan(&t.name, &t.geom, &t.srs); err != nil {
			return nil, fmt.Errorf("gpkg_contents: %v", err)
		}
		names = append(names, t.name)
		if only == "" || strings.EqualFold(only, t.name) {
			out = append(out, t)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("gpkg_contents: %v", err)
	}
	switch {
	case len(out) == 0 && only != "":
		return nil, fmt.Errorf("no feature table %s (it has %s)", quoteExcerpt(only), strings.Join(names, ", "))
	case len(out) == 0:
		return nil, fmt.Errorf("no feature table")
	}
	return out, nil
}

// gpkgCRS reads a table's system from gpkg_spatial_ref_sys: the EPSG code
// when it is one crs knows, else its WKT definition.
func gpkgCRS(ctx context.Context, db *sql.DB, id int) (*crs.CRS, error) {
	if id == 0 || id == -1 { // undefined geographic / cartesian
		return nil, nil
	}
	var org, def sql.NullString
	var code sql.NullInt64
	err := db.QueryRowContext(ctx, `SELECT organization, organization_coordsys_id, definition
		FROM gpkg_spatial_ref_sys WHERE srs_id = ?`, id).Scan(&org, &code, &def)
	if err != nil {
		return nil, fmt.Errorf("srs %d: %v", id, err)
	}
	if strings.EqualFold(org.String, "EPSG") {
		if sys, err := crs.FromEPSG(int(code.Int64)); err == nil {
			return sys, nil
		}
	}
	return crs.FromWKT(def.String)
}

func readGpkgTable(ctx context.Context, c *collector, db *sql.DB, t gpkgTable, prefix string) error {
	sys := sourceCRS(c, t.name, func() (*crs.CRS, error) { return gpkgCRS(ctx, db, t.srs) })
	if sys == nil {
		return nil
	}
	cols, pk, err := gpkgColumns(ctx, db, t)
	if err != nil {
		c.fatalIn(t.name, 0, RuleGeoPackage, err.Error())
		return nil
	}
	if len(cols) > c.opt.Limits.MaxProperties {
		c.fatalIn(t.name, 0, RuleTooLarge, fmt.Sprintf("%d columns, more than the limit of %d", len(cols), c.opt.Limits.MaxProperties))
		return nil
	}
	plan := planTable(c, cols)
	plan.prefix = prefix
	sel := make([]string, 0, len(cols)+2)
	sel = append(sel, quoteIdent(pk), quoteIdent(t.geom))
	for _, col := range cols {
		sel = append(sel, quoteIdent(col))
	}
	rows, err := db.QueryContext(ctx, `SELECT `+strings.Join(sel, ", ")+` FROM `+quoteIdent(t.name)+` ORDER BY `+quoteIdent(pk))
	if err != nil {
		c.fatalIn(t.name, 0, RuleGeoPackage, err.Error())
		return nil
	}
	defer rows.Close()
	raw := make([]any, len(sel))
	ptrs := make([]any, len(sel))
	for i := range raw {
		ptrs[i] = &raw[i]
	}
	vals := make([]any, len(cols))
	for rows.Next() {
		if c.full() {
			return nil
		}
		if err := rows.Scan(ptrs...); err != nil {
			c.fatalIn(t.name, 0, RuleGeoPackage, err.Error())
			return nil
		}
		fid, _ := raw[0].(int64)
		for i := range vals {
			vals[i] = gpkgValue(raw[i+2])
		}
		var g orb.Geometry
		var gpr *gproblem
		switch blob := raw[1].(type) {
		case []byte:
			var zm bool
			var err error
			g, _, zm, err = gpkgGeometry(blob, c.opt.Limits.MaxVertices)
			if err != nil {
				gpr = gprob(RuleGeoPackage, "%v", err)
			}
			if zm {
				c.note(t.name + ": geometries carry Z and/or M values; they were dropped (the engine is 2D)")
			}
		case nil:
		default:
			gpr = gprob(RuleGeoPackage, "geometry column holds a %T, not a blob", blob)
		}
		c.addRow(plan, t.name, int(fid), vals, g, gpr, sys)
		c.progress(c.count(), c.total)
	}
	if err := rows.Err(); err != nil {
		c.fatalIn(t.name, 0, RuleGeoPackage, err.Error())
	}
	return nil
}

// gpkgColumns returns a table's attribute columns and its primary key.
func gpkgColumns(ctx context.Context, db *sql.DB, t gpkgTable) (cols []string, pk string, err error) {
	rows, err := db.QueryContext(ctx, `SELECT name, pk FROM pragma_table_info(?)`, t.name)
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		var isPK int
		if err := rows.Scan(&name, &isPK); err != nil {
			return nil, "", err
		}
		switch {
		case isPK == 1 && pk == "":
			pk = name
		case strings.EqualFold(name, t.geom):
		default:
			cols = append(cols, name)
		}
	}
	if pk == "" {
		pk = "rowid"
	}
	return cols, pk, rows.Err()
}

// gpkgValue maps an SQLite value to what addRow takes.
func gpkgValue(v any) any {
	switch v := v.(type) {
	case []byte:
		return nil // a blob attribute has no field type
	case time.Time:
		return v.UTC().Format(time.RFC3339Nano)
	case int64, float64, string, bool, nil:
		return v
	}
	return fmt.Sprint(v)
}
