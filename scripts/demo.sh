#!/bin/sh
# scripts/demo.sh — `make run`: the main job until the server exists. Generates the synthetic
# Shaoguan demo inventory (two surveys five years apart, as CSV and GeoPackage) in ./demo and
# measures it: the report by county; then registers it (demo/registry.db): a project, its report
# verified, credits issued, sold on and retired, and the transparency log audited.
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
echo "== the registry (demo/registry.db): issue, transfer, retire; every change in the signed log =="
R="$T --db demo/registry.db"
rm -f demo/registry.db demo/registry.db-wal demo/registry.db-shm demo/registry.db.key
$R init
$R account add 乐昌市国有林场 --kind state
$R account add 广东某检测认证公司 --kind verifier
$R account add 韶关某制造公司 --kind company
$R project add --name 韶关森林碳汇示范项目 --owner 乐昌市国有林场 --buffer-pct 20
$R report add 韶关森林碳汇示范项目 --before demo/survey-2019.gpkg --after demo/survey-2024.gpkg \
    --uncertainty-pct 12
$R report verify 1 --verifier 广东某检测认证公司
$R issue 1
$R transfer --from 乐昌市国有林场 --to 韶关某制造公司 --qty 5000
$R retire --from 韶关某制造公司 --qty 1200 --beneficiary "韶关某制造公司 2025 年度排放" --reason 自愿抵消
$R supply
$R log verify
$R log checkpoint
echo
echo "Per-parcel results: demo/parcels.csv. Try also:"
echo "  $T measure --before demo/survey-2019.csv --after demo/survey-2024.csv --by owner --json"
echo "  $R holdings 韶关某制造公司; $R certificate 2; $R log prove 5 --json"
echo "  $T help measure"
