package testenv

import (
	"context"
	"testing"
)

// TestPostGISSchemaPerRun checks that two pools get different schemas, that a
// table made in one is invisible in the other, and that postgis still works.
func TestPostGISSchemaPerRun(t *testing.T) {
	ctx := context.Background()
	a, b := PostGIS(t), PostGIS(t)
	var sa, sb string
	a.QueryRow(ctx, "SELECT current_schema()").Scan(&sa)
	b.QueryRow(ctx, "SELECT current_schema()").Scan(&sb)
	if sa == sb || sa == "public" || sb == "public" {
		t.Fatalf("schemas %q and %q: want two private ones", sa, sb)
	}
	if _, err := a.Exec(ctx, "CREATE TABLE t (g geometry)"); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Exec(ctx, "CREATE TABLE t (g geometry)"); err != nil {
		t.Fatalf("same table name in the second schema: %v", err)
	}
	var ok bool
	if err := a.QueryRow(ctx, "SELECT ST_Intersects(ST_MakeEnvelope(0,0,1,1), ST_Point(0.5,0.5))").Scan(&ok); err != nil || !ok {
		t.Fatalf("postgis in the test schema: %v %v", ok, err)
	}
}
