#!/bin/sh
# prep.sh — rebuilds data/demo/*.gz from the shared source data set.
#
# Not run by the build: the results are committed. Needs
#   - the shared data set (MANIFEST.md), default ../shared/data next to the
#     repository, or SHARED=/path/to/shared/data;
#   - a PostGIS 3 database, default: psql -h 127.0.0.1 -U postgres -d test
#     (override with PSQL="psql …"); it creates and drops schema "prep";
#   - jq, gzip and the Go toolchain (the parcels come from data/gen).
#
# Usage: sh data/prep/prep.sh            (from anywhere)
#        KEEP=1 sh data/prep/prep.sh     (keep schema prep for inspection)
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
SHARED=${SHARED:-$REPO/../shared/data}
OUT=${OUT:-$REPO/data/demo}
PSQL=${PSQL:-psql -h 127.0.0.1 -U postgres -d test}
PSQL="$PSQL -X -q -v ON_ERROR_STOP=1"
export PSQL
PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"
export PGOPTIONS

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$OUT"

echo "== load $SHARED" >&2
sh "$HERE/load.sh" "$SHARED"
echo "== build" >&2
$PSQL -f "$HERE/geo.sql"
$PSQL -f "$HERE/osm.sql"

# geojson LAYER FILE — one FeatureCollection, minified, gzip without name or
# time stamp so that reruns are byte-identical.
geojson() {
	$PSQL -At -c "
	  select '{\"type\":\"FeatureCollection\",\"features\":['
	      || string_agg(json_build_object('type', 'Feature', 'id', id, 'properties', json_strip_nulls(props),
	                    'geometry', st_asgeojson(geom, digits)::json)::text, ',' order by ord)
	      || ']}'
	  from prep.out where layer = '$1'" | jq -c . | gzip -9n >"$OUT/$2"
}

# overpass LAYER FILE — Overpass JSON with the header of the Quận 1 sample.
overpass() {
	jq -c 'del(.elements)' "$SHARED/osm/hcmc_d1_overpass_buildings_roads_2023-08-24.json" >"$TMP/head.json"
	$PSQL -At -c "
	  select '{\"elements\":[' || string_agg(elem::text, ',' order by ord) || ']}'
	  from prep.osm_out where layer = '$1'" |
		jq -c --slurpfile h "$TMP/head.json" '$h[0] + .' | gzip -9n >"$OUT/$2"
}

echo "== export to $OUT" >&2
geojson province province.geojson.gz
geojson communes communes.geojson.gz
geojson ports ports.geojson.gz
geojson railways railways.geojson.gz
geojson sea sea.geojson.gz
geojson coastline coastline.geojson.gz
overpass buildings osm_buildings.overpass.json.gz
overpass roads osm_roads.overpass.json.gz

echo "== parcels (data/gen, seed 79)" >&2
(cd "$REPO" && go run ./data/gen/cmd -n 20000 -seed 79 -communes "$OUT") >"$TMP/parcels.ndjson"
gzip -9n <"$TMP/parcels.ndjson" >"$OUT/parcels.ndjson.gz"

echo "== scenario layers (data/gen, seed 79)" >&2
for l in houses street_lights schools clinics commune_stats; do
	(cd "$REPO" && go run ./data/gen/cmd -layer "$l" -seed 79 -communes "$OUT") | gzip -9n >"$OUT/$l.ndjson.gz"
done

echo "== checks (on the exported files)" >&2
reload() {
	gzip -dc "$OUT/$2" | jq -c "$3" | $PSQL \
		-c "create table prep.chk_$1(j jsonb)" \
		-c "\\copy prep.chk_$1(j) from stdin with (format csv, quote e'\\x01', delimiter e'\\x02')"
}
for l in province communes ports railways sea coastline; do
	reload "$l" "$l.geojson.gz" '.features[]'
done
reload buildings osm_buildings.overpass.json.gz '.elements[]'
reload roads osm_roads.overpass.json.gz '.elements[]'
reload parcels parcels.ndjson.gz '.'
$PSQL -f "$HERE/check.sql"

if [ -z "${KEEP:-}" ]; then
	$PSQL -c "drop schema prep cascade" 2>/dev/null
fi
ls -l "$OUT" >&2
