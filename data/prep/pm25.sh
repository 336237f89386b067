#!/bin/sh
# Builds data/demo/hanoi_pm25_2018.csv.gz from the U.S. Embassy Hà Nội
# PM2.5 series (AirNow / U.S. Department of State, public domain): the
# hourly raw concentrations of 2018 whose QC is Valid, as
# "local time (UTC+07:00), µg/m³" lines. The live demo replays them on the
# clock (twin/sensorplay), labelled as a replay.
set -eu
src=${1:-../shared/data/sensors/Hanoi_PM2.5_2018_YTD.csv}
out=${2:-data/demo/hanoi_pm25_2018.csv.gz}
tr -d '\r' < "$src" | awk -F, 'NR > 1 && $14 == "Valid" && $11 >= 0 {
	printf "%s-%s-%sT%s:00:00+07:00,%s\n", $4, $5, $6, $7, $11 }' | gzip -9n > "$out"
