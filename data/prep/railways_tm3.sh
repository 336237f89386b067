#!/usr/bin/env bash
# railways_tm3.sh: the demo's railways as a province would hand them over —
# a zipped ESRI Shapefile in VN-2000 / TM-3 105°45' (EPSG:9210, the zone of
# Hồ Chí Minh City), its .prj naming the datum (D_Vietnam_2000) as GDAL and
# ArcGIS write it — made by GDAL from the real OSM railways of
# railways.geojson.gz (see prep.sh). `bando serve` loads the demo layer
# from this zip through the Shapefile / .prj / VN-2000 path, so the demo
# exercises it; ingest's TestDemoShapefileRoundTrip checks every vertex
# against the WGS 84 source (≤ 1 cm).
#
# The datum shift is pinned to EPSG:6960 (Decision 05/2007/QĐ-BTNMT) as a
# PROJ pipeline, as bando pins it: left to itself PROJ may pick another
# VN-2000 shift in the south, about 80 cm away.
#
# Usage: data/prep/railways_tm3.sh   (needs gdal-bin and zip; writes
# data/demo/railways_tm3.zip)
set -euo pipefail
cd "$(dirname "$0")/../demo"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
zcat railways.geojson.gz > "$tmp/railways.geojson"
helmert="+proj=helmert +x=-191.90441429 +y=-39.30318279 +z=-111.45032835 +rx=-0.00928836 +ry=0.01975479 +rz=-0.00427372 +s=0.252906278 +convention=coordinate_frame"
tm3="+proj=tmerc +lat_0=0 +lon_0=105.75 +k=0.9999 +x_0=500000 +y_0=0 +ellps=WGS84"
ct="+proj=pipeline +step +proj=axisswap +order=2,1 +step +proj=unitconvert +xy_in=deg +xy_out=rad +step +proj=push +v_3 +step +proj=cart +ellps=WGS84 +step +inv $helmert +step +inv +proj=cart +ellps=WGS84 +step +proj=pop +v_3 +step $tm3"
# The OSM id becomes the "id" column, which bando takes as the feature id.
ogr2ogr -f "ESRI Shapefile" -t_srs EPSG:9210 -ct "$ct" -lco ENCODING=UTF-8 \
  -sql "SELECT osm_id AS id, railway, name, osm_id FROM railways" -nln railways \
  "$tmp/railways.shp" "$tmp/railways.geojson"
rm -f railways_tm3.zip
(cd "$tmp" && zip -X -9 -q "$OLDPWD/railways_tm3.zip" railways.shp railways.shx railways.dbf railways.prj railways.cpg)
ls -l railways_tm3.zip
