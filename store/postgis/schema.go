package postgis

import (
	"context"
	"fmt"
	"strings"

	"bando/layers"

	"github.com/jackc/pgx/v5"
)

// table is a layer's feature table: bando_layer_<id> with the system
// columns and one typed column per field, named as the field.
type table struct {
	l     *layers.Layer
	name  string   // sanitized, unqualified (the search_path decides the schema)
	raw   string   // unsanitized, for CopyFrom
	cols  []string // sanitized field columns, in field order
	names []string // unsanitized field columns
}

// systemColumns may not be field names. id sorts bytewise (COLLATE "C")
// so that Scan returns features in the embedded store's key order.
var systemColumns = map[string]bool{"id": true, "num": true, "seq": true, "version": true, "geom": true}

// sqlType is the column type of a field type. Times are timestamptz: typed
// and queryable, at PostgreSQL's microsecond precision.
func sqlType(t layers.FieldType) string {
	switch t {
	case layers.TypeInt:
		return "bigint"
	case layers.TypeFloat:
		return "double precision"
	case layers.TypeBool:
		return "boolean"
	case layers.TypeTime:
		return "timestamptz"
	}
	return "text"
}

// TableName is the feature table of a layer.
func TableName(layer string) string { return "bando_layer_" + layer }

func newTable(l *layers.Layer) (*table, error) {
	t := &table{l: l, raw: TableName(l.ID), name: pgx.Identifier{TableName(l.ID)}.Sanitize()}
	for _, f := range l.Fields {
		if systemColumns[f.Name] {
			return nil, fmt.Errorf("postgis: layer %s: field %q has the name of a system column", l.ID, f.Name)
		}
		t.names = append(t.names, f.Name)
		t.cols = append(t.cols, pgx.Identifier{f.Name}.Sanitize())
	}
	return t, nil
}

// ensureTables creates the catalog's layer tables and adds the columns of
// fields added to the catalog since, under a lock so that replicas starting
// together do not race on the DDL. A column whose type no longer matches
// its field is refused: converting stored values is a migration to write,
// not something to guess at start.
func (s *Store) ensureTables(ctx context.Context) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("postgis: %w", err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(hashtext('bando:tables'))"); err != nil {
		return fmt.Errorf("postgis: lock tables: %w", err)
	}
	for _, l := range s.cat.All() {
		t, err := newTable(l)
		if err != nil {
			return err
		}
		if err := t.ensure(ctx, tx); err != nil {
			return err
		}
		s.tables[l.ID] = t
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("postgis: create layer tables: %w", err)
	}
	return nil
}

func (t *table) ensure(ctx context.Context, tx pgx.Tx) error {
	types, err := t.columns(ctx, tx)
	if err != nil {
		return err
	}
	// DDL only for what is missing: even ALTER TABLE … IF NOT EXISTS takes
	// an exclusive lock, which would queue every reader of the table
	// behind another replica's load.
	var stmts []string
	if len(types) == 0 {
		stmts = append(stmts, fmt.Sprintf(`CREATE TABLE %s (
    id      text COLLATE "C" PRIMARY KEY,
    num     bigint NOT NULL,
    seq     bigint NOT NULL,
    version bigint NOT NULL,
    geom    geometry(Geometry, 4326) NOT NULL)`, t.name),
			fmt.Sprintf("CREATE INDEX %s ON %s USING gist (geom)", pgx.Identifier{t.raw + "_geom"}.Sanitize(), t.name))
	}
	for i, f := range t.l.Fields {
		if _, ok := types[f.Name]; !ok {
			stmts = append(stmts, fmt.Sprintf("ALTER TABLE %s ADD COLUMN %s %s", t.name, t.cols[i], sqlType(f.Type)))
		}
	}
	for _, q := range stmts {
		if _, err := tx.Exec(ctx, q); err != nil {
			return fmt.Errorf("postgis: layer %s: %s: %w", t.l.ID, firstLine(q), err)
		}
	}
	if len(stmts) > 0 {
		if types, err = t.columns(ctx, tx); err != nil {
			return err
		}
	}
	for _, f := range t.l.Fields {
		want := sqlType(f.Type)
		if want == "timestamptz" {
			want = "timestamp with time zone"
		}
		if got := types[f.Name]; got != want {
			return fmt.Errorf("postgis: layer %s field %q is %s in the catalog but column %s.%s is %s",
				t.l.ID, f.Name, f.Type, t.raw, f.Name, got)
		}
	}
	return nil
}

// columns returns the table's column types by name (none if it does not exist).
func (t *table) columns(ctx context.Context, tx pgx.Tx) (map[string]string, error) {
	rows, err := tx.Query(ctx, `SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute
		WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped`, t.name)
	if err != nil {
		return nil, fmt.Errorf("postgis: layer %s columns: %w", t.l.ID, err)
	}
	types := map[string]string{}
	for rows.Next() {
		var n, typ string
		if err := rows.Scan(&n, &typ); err != nil {
			return nil, fmt.Errorf("postgis: layer %s columns: %w", t.l.ID, err)
		}
		types[n] = typ
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgis: layer %s columns: %w", t.l.ID, err)
	}
	return types, nil
}

func firstLine(q string) string {
	q, _, _ = strings.Cut(q, "\n")
	return q
}

// table returns the feature table of a layer of the catalog.
func (s *Store) table(l *layers.Layer) (*table, error) {
	t, ok := s.tables[l.ID]
	if !ok {
		return nil, fmt.Errorf("postgis: layer %q is not in the catalog the store was opened with", l.ID)
	}
	if len(t.l.Fields) != len(l.Fields) {
		return nil, fmt.Errorf("postgis: layer %q has changed since the store was opened", l.ID)
	}
	return t, nil
}

// selectCols is the column list of a feature read: id, num, seq, geom as
// EWKB, then the fields.
func (t *table) selectCols() string {
	return strings.Join(append([]string{"id", "num", "seq", "geom"}, t.cols...), ", ")
}
