#!/bin/sh
# basemap.sh — rebuilds the offline basemap layers data/demo/basemap_*.geojson.gz
# (land, provinces, sea, railways, ports; see basemap.sql) from the shared
# data set.
#
# Not run by the build: the results are committed, and data's
# TestDemoBasemap checks them. Needs the shared data set (SHARED=…), PostGIS 3
# ($PSQL, default psql -h 127.0.0.1 -U postgres -d test; it creates and
# drops schema "prepb"), GDAL's ogr2ogr (to read the TopoJSON land), jq and
# gzip.
#
# Usage: sh data/prep/basemap.sh        (KEEP=1 keeps schema prepb)
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
SHARED=${SHARED:-$REPO/../shared/data}
OUT=${OUT:-$REPO/data/demo}
PSQL=${PSQL:-psql -h 127.0.0.1 -U postgres -d test}
PSQL="$PSQL -X -q -v ON_ERROR_STOP=1"
PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"
export PGOPTIONS

# load NAME FILTER — one jsonb row per feature read from stdin (see load.sh).
load() {
	jq -c "$2" | $PSQL \
		-c "create table prepb.raw_$1(j jsonb)" \
		-c "\\copy prepb.raw_$1(j) from stdin with (format csv, quote e'\\x01', delimiter e'\\x02')"
}

[ -f "$SHARED/MANIFEST.md" ] || { echo "basemap.sh: no shared data set at $SHARED (set SHARED=…)" >&2; exit 1; }
echo "== load $SHARED" >&2
$PSQL -c "drop schema if exists prepb cascade" -c "create schema prepb"
cat "$SHARED"/admin/provinces_34/*.geojson | load provinces34 '.features[]'
load maritime '.features[] | select(.properties.A3=="VNM")' <"$SHARED/maritime/geo-maps_countries-maritime-10m.geo.json"
load railways '.features[]' <"$SHARED/osm/hotosm_vnm_railways_lines.geojson"
load ports '.features[]' <"$SHARED/osm/hotosm_vnm_sea_ports_points.geojson"
# world-atlas' land is TopoJSON: GDAL decodes its arcs into GeoJSON.
ogr2ogr -f GeoJSONSeq /vsistdout/ "$SHARED/world/land-10m.json" land 2>/dev/null | load land '.'

echo "== build" >&2
$PSQL -f "$HERE/basemap.sql"

# export LAYER — one FeatureCollection, minified, gzip without name or time
# stamp so that reruns are byte-identical.
export_layer() {
	$PSQL -At -c "
	  select '{\"type\":\"FeatureCollection\",\"features\":['
	      || string_agg(json_build_object('type', 'Feature', 'id', id, 'properties', json_strip_nulls(props),
	                    'geometry', st_asgeojson(geom, digits)::json)::text, ',' order by ord)
	      || ']}'
	  from prepb.out where layer = '$1'" | jq -c . | gzip -9n >"$OUT/basemap_$1.geojson.gz"
}

echo "== export to $OUT" >&2
for l in land provinces sea railways ports; do
	export_layer "$l"
done

echo "== checks (on the exported files)" >&2
for l in land provinces sea railways ports; do
	gzip -dc "$OUT/basemap_$l.geojson.gz" | load "chk_$l" ".features[] | {l: \"$l\"} + ."
done
$PSQL -c "
  select j->>'l' layer, count(*) features, count(distinct j->'id') ids,
         count(*) filter (where not st_isvalid(st_geomfromgeojson(j->'geometry'))) invalid,
         string_agg(distinct j->'geometry'->>'type', ',') types,
         sum(st_npoints(st_geomfromgeojson(j->'geometry'))) vertices,
         round(sum(st_area(st_geomfromgeojson(j->'geometry')::geography))::numeric / 1e6) km2
  from (select j from prepb.raw_chk_land union all select j from prepb.raw_chk_provinces
        union all select j from prepb.raw_chk_sea union all select j from prepb.raw_chk_railways
        union all select j from prepb.raw_chk_ports) a
  group by 1 order by 1" >&2
# Every province keeps its area within 0.2 % and all its parts through the
# simplification.
$PSQL -At -c "
  select 'provinces off by more than 0.2 % in area: ' || count(*)
  from prepb.prov p join prepb.sprov s using (code)
  where abs(st_area(s.geom::geography) / st_area(p.geom::geography) - 1) > 0.002
  union all
  select 'provinces that lost a part (an island): ' || count(*)
  from prepb.prov p join prepb.sprov s using (code)
  where st_numgeometries(p.geom) <> st_numgeometries(s.geom)" >&2

if [ -z "${KEEP:-}" ]; then
	$PSQL -c "drop schema prepb cascade" 2>/dev/null
fi
ls -l "$OUT"/basemap_*.geojson.gz >&2
