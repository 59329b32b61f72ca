#!/bin/sh
# scripts/tour.sh — `make tour`: the command line, step by step. Generates the synthetic
# Shaoguan demo inventory (two surveys five years apart, as CSV and GeoPackage) in ./demo and
# measures it: the report by county; then registers it (demo/registry.db): a project, its report
# (by owner) verified, credits issued, the owners set to share the sales, credits sold on the
# exchange, transferred and retired, and the transparency log audited.
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
    --uncertainty-pct 12 --by owner
$R report verify 1 --verifier 广东某检测认证公司
$R issue 1
echo
echo "== benefit sharing (联农带农): the parcel owners share the project's sales =="
$R project share 韶关森林碳汇示范项目 --from-report 1 --add-accounts household | head -8
echo "  ..."
echo
echo "== the exchange: an instrument, cash, a sell and a buy settled delivery-versus-payment =="
$R instrument add SGFC-2024 --vintage 2024 --ref-price 58.50 --maker-fee-bps 5 --taker-fee-bps 10
$R cash deposit 韶关某制造公司 1000000 --reference BANK-DEMO-0001
$R order add --account 乐昌市国有林场 --instrument SGFC-2024 --side sell --price 59.00 --qty 20000
$R order add --account 乐昌市国有林场 --instrument SGFC-2024 --side sell --price 59.50 --qty 10000
$R order add --account 韶关某制造公司 --instrument SGFC-2024 --side buy --price 59.20 --qty 8000
$R book SGFC-2024
$R cash balance 乐昌市国有林场
$R payouts 乐昌市第1国有林场 | head -2
$R session close SGFC-2024
echo
echo "== a one-way auction (单向竞价): sealed bids, settled at its end at one price =="
$R account add 深圳某科技公司 --kind company >/dev/null
$R cash deposit 深圳某科技公司 500000 --reference BANK-DEMO-0002 >/dev/null
until=$(date -u -d "+6 seconds" +%Y-%m-%dT%H:%M:%SZ)
$R auction open --seller 乐昌市国有林场 --instrument SGFC-2024 --qty 5000 --reserve 58.00 --until "$until"
$R auction bid 1 --account 韶关某制造公司 --price 60.10 --qty 3000
$R auction bid 1 --account 深圳某科技公司 --price 59.30 --qty 4000
sleep 7
$R session tick >/dev/null
$R auction show 1
echo
$R transfer --from 乐昌市国有林场 --to 韶关某制造公司 --qty 5000
$R retire --from 韶关某制造公司 --qty 1200 --beneficiary "韶关某制造公司 2025 年度排放" --reason 自愿抵消
$R supply
$R log verify
$R log checkpoint
echo
echo "Per-parcel results: demo/parcels.csv. Try also:"
echo "  $T measure --before demo/survey-2019.csv --after demo/survey-2024.csv --by owner --json"
echo "  $R holdings 韶关某制造公司; $R certificate 2; $R log prove 5 --json"
echo "  $R trades; $R orders 韶关某制造公司; $R payouts 乐昌市第1国有林场; $R project beneficiaries 1"
echo "  $R calendar show; $R session list; $R auction list"
echo "  $T help measure"
