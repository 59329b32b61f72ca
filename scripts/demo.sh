#!/bin/sh
# scripts/demo.sh — `make run`: the main job until the server exists. Generates the synthetic
# Shaoguan demo inventory (two surveys five years apart, as CSV and GeoPackage) in ./demo and
# measures it: the report by county, then the JSON figures' headline.
set -eu
cd "$(dirname "$0")/.."
T=build/tanhui
mkdir -p demo
parcels=${TANHUI_DEMO_PARCELS:-20000}
echo "== tanhui gen-inventory: $parcels synthetic Shaoguan parcels (demo/) =="
$T gen-inventory --parcels "$parcels" --seed 2026 --before demo/survey-2019.csv --after demo/survey-2024.csv
$T gen-inventory --parcels "$parcels" --seed 2026 --before demo/survey-2019.gpkg --after demo/survey-2024.gpkg --format gpkg
echo
echo "== tanhui measure --by county (uncertainty 12%, buffer 20%) =="
$T measure --before demo/survey-2019.gpkg --after demo/survey-2024.gpkg \
    --uncertainty-pct 12 --by county --parcels-out demo/parcels.csv
echo
echo "Per-parcel results: demo/parcels.csv. Try also:"
echo "  $T measure --before demo/survey-2019.csv --after demo/survey-2024.csv --by owner --json"
echo "  $T help measure"
