#!/bin/sh
# zones.sh — rebuilds data/demo/fishing_zones.geojson.gz (the fishing zones
# of Decree 26/2019, approximated; see zones.sql) from the shared data set.
#
# Not run by the build: the result is committed, and
# data/demo's TestFishingZonesBands checks it against PostGIS. Needs the
# shared data set (SHARED=…), PostGIS 3 ($PSQL, default
# psql -h 127.0.0.1 -U postgres -d test; it creates and drops schema
# "prepz"), jq and gzip.
#
# Usage: sh data/prep/zones.sh        (KEEP=1 keeps schema prepz)
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
SHARED=${SHARED:-$REPO/../shared/data}
OUT=${OUT:-$REPO/data/demo}
PSQL=${PSQL:-psql -h 127.0.0.1 -U postgres -d test}
PSQL="$PSQL -X -q -v ON_ERROR_STOP=1"
PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"
export PGOPTIONS

load() {
	name=$1 filter=$2
	shift 2
	jq -c "$filter" "$@" | $PSQL \
		-c "create table prepz.raw_$name(j jsonb)" \
		-c "\\copy prepz.raw_$name(j) from stdin with (format csv, quote e'\\x01', delimiter e'\\x02')"
}

echo "== load $SHARED" >&2
$PSQL -c "drop schema if exists prepz cascade" -c "create schema prepz"
load provinces34 '.features[]' "$SHARED"/admin/provinces_34/*.geojson
# Neighbours within reach of 200 nm of the province (Cambodia, Thailand,
# Malaysia, Indonesia, China's claims are filtered by the box in zones.sql).
load foreign '.features[] | select(.properties.A3 != "VNM")' "$SHARED/maritime/geo-maps_countries-maritime-10m.geo.json"
echo "== build" >&2
$PSQL -f "$HERE/zones.sql"

echo "== export" >&2
$PSQL -At -c "
  select '{\"type\":\"FeatureCollection\",\"features\":['
      || string_agg(json_build_object('type', 'Feature', 'id', ord,
           'properties', json_build_object('zone', zone, 'name',
               case zone when 'ven_bo' then 'Vùng biển ven bờ' when 'long' then 'Vùng lộng' else 'Vùng khơi' end,
             'name_en', case zone when 'ven_bo' then 'Coastal zone' when 'long' then 'Inshore zone' else 'Offshore zone' end,
             'from_nm', lo, 'to_nm', hi, 'province', '79',
             'area_km2', round((st_area(geom::geography) / 1e6)::numeric, 1)),
           'geometry', st_asgeojson(geom, 5)::json)::text, ',' order by ord)
      || ']}'
  from prepz.out" | jq -c . | gzip -9n >"$OUT/fishing_zones.geojson.gz"
$PSQL -At -c "select zone, st_isvalid(geom), st_npoints(geom), round((st_area(geom::geography)/1e6)::numeric) from prepz.out order by ord" >&2

if [ -z "${KEEP:-}" ]; then
	$PSQL -c "drop schema prepz cascade" 2>/dev/null
fi
ls -l "$OUT/fishing_zones.geojson.gz" >&2
