#!/bin/sh
# load.sh SHARED — loads the shared source files into PostGIS schema "prep",
# one jsonb row per feature / element (table prep.raw_<name>).
# Sourced by prep.sh; needs jq and psql ($PSQL).
set -eu

load() {
	name=$1 filter=$2
	shift 2
	# CSV with control characters as quote and delimiter: JSON text never
	# contains them raw, so every line arrives byte-for-byte.
	jq -c "$filter" "$@" | $PSQL \
		-c "create table prep.raw_$name(j jsonb)" \
		-c "\\copy prep.raw_$name(j) from stdin with (format csv, quote e'\\x01', delimiter e'\\x02')"
}

S=$1
$PSQL -c "drop schema if exists prep cascade" -c "create schema prep"
load province '.features[]' "$S/admin/provinces_34/79_ho_chi_minh.geojson"
load provinces34 '.features[]' "$S"/admin/provinces_34/*.geojson
load communes '.features[]' "$S"/admin/wards_79_ho_chi_minh/*.geojson
load units '.[] | select(.Code=="79") | .Wards[]' "$S/admin/vn_units_full_2026-07-25.json"
load maritime '.features[] | select(.properties.A3=="VNM")' "$S/maritime/geo-maps_countries-maritime-10m.geo.json"
load ports '.features[]' "$S/osm/hotosm_vnm_sea_ports_points.geojson"
load railways '.features[]' "$S/osm/hotosm_vnm_railways_lines.geojson"
load osm_d1 '.elements[]' "$S/osm/hcmc_d1_overpass_buildings_roads_2023-08-24.json"
load osm_bt '.elements[]' "$S/osm/hcmc_binhthanh_overpass_buildings_roads_2023-08-24.json"
