#!/bin/sh
# test_cli.sh — black-box tests of the `tanhui` binary: exit statuses, messages, golden JSON and
# text, atomic outputs under kill -9, and a differential check of `measure` against an
# independent awk implementation of docs/measurement.md.
#
#   tests/cli/test_cli.sh BINARY            run (from the repository root)
#   tests/cli/test_cli.sh BINARY --update   rewrite the golden files (then read the diff!)
#
# Sizes grow under TANHUI_LONG=1 (make check-long). Prints "cli: N passed, N failed".
set -u
T=${1:?usage: test_cli.sh BINARY [--update]}
UPDATE=${2:-}
LONG=${TANHUI_LONG:-0}
D=$(mktemp -d "${TMPDIR:-/tmp}/tanhui-cli.XXXXXX")
trap 'rm -rf "$D"' EXIT
. "$(dirname "$0")/lib.sh"
# golden NAME FILE: compare FILE with tests/golden/NAME
golden() {
    if [ "$UPDATE" = "--update" ]; then cp "$2" "tests/golden/$1"; ok; return; fi
    if cmp -s "$2" "tests/golden/$1"; then ok; else bad "golden $1 differs:"; diff "tests/golden/$1" "$2" | head -10; fi
}

SB=tests/data/small_before.csv
SA=tests/data/small_after.csv

# --- help, usage and the global options ---
expect 0 help -- "$T" --help
has "$D/out" "measure" "--help lists measure"
expect 0 help-measure -- "$T" help measure
has "$D/out" "usage: tanhui measure" "help measure"
expect 0 measure-help-flag -- "$T" measure --help
has "$D/out" "--skip-invalid" "measure --help"
expect 0 help-json -- "$T" help measure --json
has "$D/out" '{"command":"measure","summary":' "help --json"
expect 0 help-json-list -- "$T" help --json
has "$D/out" '"command":"gen-inventory"' "help --json lists commands"
expect 2 help-unknown -- "$T" help frob --json
expect 2 no-command -- "$T"
expect 2 unknown-command -- "$T" frobnicate
has "$D/err" "tanhui: unknown command 'frobnicate'" "unknown command message"
expect 2 unknown-option -- "$T" measure --before "$SB" --after "$SA" --frob
has "$D/err" "tanhui: measure: unknown option '--frob'" "unknown option message"
expect 2 missing-after -- "$T" measure --before "$SB"
has "$D/err" "--after FILE" "missing --after message"
expect 2 bad-by -- "$T" measure --before "$SB" --after "$SA" --by species
expect 2 bad-buffer -- "$T" measure --before "$SB" --after "$SA" --buffer-pct 101
expect 2 bad-buffer-decimals -- "$T" measure --before "$SB" --after "$SA" --buffer-pct 1.0000001
expect 2 bad-date-opt -- "$T" measure --before "$SB" --after "$SA" --before-date 2019-02-30
expect 2 bad-leakage -- "$T" measure --before "$SB" --after "$SA" --leakage-pct abc
expect 0 db-before -- "$T" --db "$D/x.db" measure --before "$SB" --after "$SA" --json
expect 0 db-after -- "$T" measure --before "$SB" --after "$SA" --json --db="$D/x.db"
expect 0 version -- "$T" --version

# --- golden outputs of the small pair ---
expect 0 small-json -- "$T" measure --before "$SB" --after "$SA" --json --uncertainty-pct 12 \
    --leakage-pct 5 --baseline-tco2e 10
golden measure_small.json "$D/out"
if [ "$(wc -l <"$D/out")" -eq 1 ] && [ "$(head -c1 "$D/out")" = "{" ]; then ok; else bad "--json is one line, one object"; fi
[ -s "$D/err" ] && bad "--json wrote to stderr" || ok
expect 0 small-text -- "$T" measure --before "$SB" --after "$SA" --by county
golden measure_small.txt "$D/out"
expect 0 small-owner -- "$T" measure --before "$SB" --after "$SA" --by owner --json
golden measure_small_owner.json "$D/out"
expect 0 small-parcels -- "$T" measure --before "$SB" --after "$SA" --parcels-out "$D/p.csv"
golden parcels_small.csv "$D/p.csv"

# --- bad input: every bad row named, exit 2, nothing written ---
cat >"$D/bad.csv" <<'CSV'
parcel_id,survey_date,area_ha,forest_type,volume_m3_ha
A,2019-06-01,-3,杉木,80
B,2019-06-01,1,桉树,80
C,2019-06-01,1,毛竹,80
D,2019-06-01,1,桉树,1
440281-101-001-001-0001,2019-04-10,10,杉木,80
CSV
expect 2 bad-rows -- "$T" measure --before "$D/bad.csv" --after "$SA" --parcels-out "$D/never.csv" --json
has "$D/err" "tanhui: $D/bad.csv:2: column area_ha, value '-3': the area must be > 0" "bad area named"
has "$D/err" "'桉树' (2 rows), '毛竹' (1 rows)" "unknown types listed with counts"
[ -s "$D/out" ] && bad "bad input printed a report" || ok
[ -e "$D/never.csv" ] && bad "bad input wrote --parcels-out" || ok
expect 0 skip-invalid -- "$T" measure --before "$D/bad.csv" --after "$SA" --skip-invalid --json
has "$D/out" '"skipped":4' "skipped counted"
has "$D/out" '"errors_total":4' "errors listed"
has "$D/err" "skipped 4 bad rows" "skip warning"
printf 'parcel_id,area_ha\nA,1\n' >"$D/nocols.csv"
expect 2 missing-column -- "$T" measure --before "$D/nocols.csv" --after "$SA"
has "$D/err" "missing column: name it one of: forest_type, YOU_SHI_SZ" "missing column names accepted names"
expect 2 missing-file -- "$T" measure --before "$D/none.csv" --after "$SA"
has "$D/err" "none.csv: cannot open" "missing file named"
printf 'forest_type,method,carbon_fraction\nx,magic,0.5\n' >"$D/params.csv"
expect 2 bad-params -- "$T" measure --before "$SB" --after "$SA" --params "$D/params.csv"
has "$D/err" "params.csv:2: column method, value 'magic'" "bad parameter table named"
expect 1 unwritable-out -- "$T" measure --before "$SB" --after "$SA" --parcels-out /nonexistent/dir/p.csv

# --- a user's parameter table: bef and stem methods ---
cat >"$D/own.csv" <<'CSV'
forest_type,name_zh,aliases,method,a,b,wood_density,bef,root_shoot,kg_per_stem,carbon_fraction,source
fir,杉木,chinese_fir,fang,0.4652,19.141,,,,,0.5,test
moso,毛竹,bamboo,stem,,,,,,10.44,0.5,test
euc,桉树,,bef,,,0.5,1.4,0.2,,0.5,test
CSV
printf 'parcel_id,survey_date,area_ha,forest_type,volume_m3_ha,stems_ha\nF,2019-01-01,10,杉木,80,\nE,2019-01-01,2,桉树,0,\nM,2019-01-01,1,毛竹,0,2000\n' >"$D/ob.csv"
printf 'parcel_id,survey_date,area_ha,forest_type,volume_m3_ha,stems_ha\nF,2024-01-01,10,杉木,120,\nE,2024-01-01,2,桉树,100,\nM,2024-01-01,1,毛竹,0,3000\n' >"$D/oa.csv"
expect 0 own-params -- "$T" measure --before "$D/ob.csv" --after "$D/oa.csv" --params "$D/own.csv" --json
# fir 341.147 (CF 0.5) + eucalyptus 308 + bamboo 1000 culms * 10.44 kg * 0.5 * 44/12 = 19.14
has "$D/out" '"change_tco2e":668.2866666666' "bef and stem methods"

# --- GIS formats and GBK through the CLI ---
expect 0 gen-gpkg -- "$T" gen-inventory --parcels 400 --seed 3 --before "$D/b.gpkg" --after "$D/a.gpkg" --format gpkg --json
has "$D/out" '"in_both":' "gen --json"
expect 0 gen-csv -- "$T" gen-inventory --parcels 400 --seed 3 --before "$D/b.csv" --after "$D/a.csv"
expect 0 gen-gbk -- "$T" gen-inventory --parcels 400 --seed 3 --before "$D/bg.csv" --after "$D/ag.csv" --format csv-gbk
for f in gpkg csv; do
    expect 0 "measure-$f" -- "$T" measure --before "$D/b.$f" --after "$D/a.$f" --by township --parcels-out "$D/p-$f.csv"
done
expect 0 measure-gbk -- "$T" measure --before "$D/bg.csv" --after "$D/ag.csv" --encoding gbk --by township --parcels-out "$D/p-gbk.csv"
cmp -s "$D/p-gpkg.csv" "$D/p-csv.csv" && ok || bad "gpkg and csv measure differently"
cmp -s "$D/p-gbk.csv" "$D/p-csv.csv" && ok || bad "gbk and utf-8 csv measure differently"
if command -v ogr2ogr >/dev/null 2>&1; then
    # GeoJSON, read through GDAL like any other vector format
    ogr2ogr -f GeoJSON "$D/b.geojson" "$D/b.gpkg" 2>/dev/null
    ogr2ogr -f GeoJSON "$D/a.geojson" "$D/a.gpkg" 2>/dev/null
    expect 0 measure-geojson -- "$T" measure --before "$D/b.geojson" --after "$D/a.geojson" --by township --parcels-out "$D/p-geojson.csv"
    cmp -s "$D/p-geojson.csv" "$D/p-csv.csv" && ok || bad "geojson and csv measure differently"
    # a GBK shapefile, as many Chinese inventories are: with its .cpg, then without one
    for s in b a; do
        ogr2ogr -f "ESRI Shapefile" -lco ENCODING=CP936 "$D/${s}_gbk.shp" "$D/$s.gpkg" 2>/dev/null
    done
    has "$D/b_gbk.cpg" "936" "shapefile .cpg says GBK"
    expect 0 measure-shp-gbk -- "$T" measure --before "$D/b_gbk.shp" --after "$D/a_gbk.shp" --by township --parcels-out "$D/p-shp1.csv"
    cmp -s "$D/p-shp1.csv" "$D/p-csv.csv" && ok || bad "GBK shapefile with .cpg measures differently"
    rm -f "$D/b_gbk.cpg" "$D/a_gbk.cpg"
    expect 0 measure-shp-gbk-nocpg -- "$T" measure --before "$D/b_gbk.shp" --after "$D/a_gbk.shp" --by township --parcels-out "$D/p-shp2.csv"
    cmp -s "$D/p-shp2.csv" "$D/p-csv.csv" && ok || bad "GBK shapefile without .cpg measures differently"
    expect 0 measure-shp-gbk-named -- "$T" measure --before "$D/b_gbk.shp" --after "$D/a_gbk.shp" --by township --encoding gbk --parcels-out "$D/p-shp3.csv"
    cmp -s "$D/p-shp3.csv" "$D/p-csv.csv" && ok || bad "GBK shapefile with --encoding gbk measures differently"
fi
if command -v ogrinfo >/dev/null 2>&1; then
    ogrinfo -ro -so "$D/b.gpkg" xiaoban >"$D/ogr" 2>&1
    has "$D/ogr" 'ID["EPSG",4490]' "gpkg in EPSG:4490"
    has "$D/ogr" "Geometry: Polygon" "gpkg polygons"
    has "$D/ogr" "HUO_LMGQXJ: Real" "gpkg inventory column names"
fi
# GDAL is loaded only for GIS files: without it CSV still works, GIS files fail clearly
expect 1 no-gdal-gpkg -- env TANHUI_GDAL_LIBRARY=libgdal-missing.so.0 "$T" measure --before "$D/b.gpkg" --after "$D/a.gpkg"
has "$D/err" "GIS formats need GDAL, which could not be loaded" "missing GDAL named"
expect 0 no-gdal-csv -- env TANHUI_GDAL_LIBRARY=libgdal-missing.so.0 "$T" measure --before "$D/b.csv" --after "$D/a.csv"
expect 2 gen-bad-format -- "$T" gen-inventory --parcels 10 --before "$D/x1" --after "$D/x2" --format xls
expect 2 gen-bad-parcels -- "$T" gen-inventory --parcels 0 --before "$D/x1" --after "$D/x2"

# --- the registry: init and accounts ---
DB="$D/reg.db"
expect 2 account-before-init -- "$T" --db "$DB" account list
has "$D/err" "no database here: create one with \`tanhui init\`" "no database named"
expect 0 init -- "$T" --db "$DB" init --json
has "$D/out" '{"buffer":{"id":1,"name":"buffer","kind":"buffer","created_at":"' "init --json"
expect 2 init-twice -- "$T" init --db "$DB"
has "$D/err" "a database is already there" "init refuses an existing file"
expect 0 account-add -- "$T" --db "$DB" account add 乐昌市第1国有林场 --kind state --json
has "$D/out" '"id":2,"name":"乐昌市第1国有林场","kind":"state"' "account add --json"
expect 0 account-add-env -- env TANHUI_DB="$DB" "$T" account add 石坑村股份经济合作社 --kind collective
has "$D/out" "added account 3 (collective)" "account add text, TANHUI_DB"
expect 2 account-dup -- "$T" --db "$DB" account add 乐昌市第1国有林场 --kind state
has "$D/err" "tanhui: name '乐昌市第1国有林场': an account of this name exists already" "duplicate name"
expect 2 account-kind -- "$T" --db "$DB" account add x --kind buffer
expect 2 account-digits -- "$T" --db "$DB" account add 2024 --kind household
expect 2 account-no-kind -- "$T" --db "$DB" account add x
expect 0 account-req-1 -- "$T" --db "$DB" account add 李某某 --kind household --request-id req-7 --json
cp "$D/out" "$D/req1"
expect 0 account-req-2 -- "$T" --db "$DB" account add 李某某 --kind household --request-id req-7 --json
cmp -s "$D/out" "$D/req1" && ok || bad "a repeated request id returned another result"
expect 2 account-req-3 -- "$T" --db "$DB" account add 王某某 --kind household --request-id req-7
has "$D/err" "this request id was used for a different command" "request id reuse refused"
expect 0 account-list -- "$T" account list --json --db "$DB"
has "$D/out" '{"accounts":[{"id":1,"name":"buffer"' "account list --json"
if [ "$(grep -o '"id":' "$D/out" | wc -l)" -eq 4 ]; then ok; else bad "account list: 4 accounts expected"; fi
expect 0 account-list-text -- "$T" --db "$DB" account list
has "$D/out" "李某某" "account list text"

# --- projects and monitoring reports ---
expect 0 project-add -- "$T" --db "$DB" project add --name 乐昌林场碳汇一期 --owner 乐昌市第1国有林场 --buffer-pct 15 --json
has "$D/out" '"code":"P0001","name":"乐昌林场碳汇一期","owner":{"id":2,"name":"乐昌市第1国有林场"},"buffer_pct":15' "project add --json"
expect 2 project-owner-kind -- "$T" --db "$DB" project add --name x --owner buffer
has "$D/err" "a buffer account cannot own a forest project" "project owner kind"
expect 2 project-no-owner -- "$T" --db "$DB" project add --name x --owner 99
expect 2 project-bad-params -- "$T" --db "$DB" project add --name y --owner 2 --params "$D/params.csv"
expect 0 project-list -- "$T" --db "$DB" project list
has "$D/out" "乐昌林场碳汇一期 (乐昌市第1国有林场)" "project list"
expect 0 verifier-add -- "$T" --db "$DB" account add 韶关核证中心 --kind verifier
expect 2 report-params -- "$T" --db "$DB" report add P0001 --before "$SB" --after "$SA" --params "$D/own.csv"
has "$D/err" "are the project's" "report add refuses --params"
expect 2 report-bad-rows -- "$T" --db "$DB" report add P0001 --before "$D/bad.csv" --after "$SA"
has "$D/err" "column area_ha, value '-3'" "report add names bad rows"
expect 0 report-add -- "$T" --db "$DB" report add P0001 --before "$SB" --after "$SA" --uncertainty-pct 12 --json
# the small pair with U = 12 %: 194.576 - 0.25 * 0.12 * 194.576 = 188.739 -> 188 credits, 15 % buffer = 29
has "$D/out" '"status":"submitted","period_start":"2019-04-10","period_end":"2024-05-07","vintage":2024' "report add --json"
has "$D/out" '"credits_total":188,"buffer_credits":29,"owner_credits":159' "report credits with the project's buffer"
expect 0 report-show -- "$T" --db "$DB" report show 1
has "$D/out" '"measurement":{"parcels":6' "report show keeps the measurement"
has "$D/out" '"sha256":"88c9297cce829947169d6d7bc647d7dd81b5502e4d05ca3ee30950f312d3eadd"' "report keeps the inputs' hashes"
expect 2 report-verify-owner -- "$T" --db "$DB" report verify 1 --verifier 乐昌市第1国有林场
has "$D/err" "only a verifier account may verify" "owner cannot verify"
expect 0 report-verify -- "$T" --db "$DB" report verify 1 --verifier 韶关核证中心 --json
has "$D/out" '"status":"verified"' "report verified"
expect 2 report-verify-twice -- "$T" --db "$DB" report verify 1 --verifier 韶关核证中心
has "$D/err" "the report is verified already" "verified once only"
expect 2 report-twice-counted -- "$T" --db "$DB" report add P0001 --before "$SB" --after "$SA"
has "$D/err" "5 parcels would have their growth counted twice" "no growth counted twice"
expect 2 report-reject-no-reason -- "$T" --db "$DB" report reject 1 --verifier 韶关核证中心
# the next period: its before survey is the last one's after survey, so it may be counted
sed 's/,2024-/,2029-/' "$SA" >"$D/a2029.csv"
expect 0 report-next -- "$T" --db "$DB" report add 乐昌林场碳汇一期 --before "$SA" --after "$D/a2029.csv" --json --request-id rep-2
has "$D/out" '"id":2,' "the next period's report"
has "$D/out" '"reversal_tco2e":0' "unchanged stands: no reversal"
expect 0 report-next-retry -- "$T" --db "$DB" report add 乐昌林场碳汇一期 --before "$SA" --after "$D/a2029.csv" --json --request-id rep-2
has "$D/out" '"id":2,' "a retried report add returns the first report"
expect 0 report-reject -- "$T" --db "$DB" report reject 2 --verifier 韶关核证中心 --reason "缺少野外样地复核" --json
has "$D/out" '"status":"rejected"' "report rejected"
has "$D/out" '"reject_reason":"缺少野外样地复核"' "rejection reason kept"

# --- issuance, holdings, supply, reversals ---
expect 2 issue-rejected -- "$T" --db "$DB" issue 2
has "$D/err" "the report is rejected: only a verified report is issued" "only verified reports issue"
expect 0 issue -- "$T" --db "$DB" issue 1 --json
has "$D/out" '"issued":188,"blocks":[{"serial":"SGFC-P0001-2024-000000001-000000159","project":"P0001","vintage":2024,"first":1,"last":159,"quantity":159,"state":"available","account":2},{"serial":"SGFC-P0001-2024-000000160-000000188"' "issue: owner block then buffer block"
expect 2 issue-twice -- "$T" --db "$DB" issue 1
expect 0 holdings -- "$T" --db "$DB" holdings 乐昌市第1国有林场 --json
has "$D/out" '"total":159,"available":159,"reserved":0' "owner holdings"
expect 0 holdings-buffer -- "$T" --db "$DB" holdings buffer
has "$D/out" "29 credits: 29 available" "buffer holdings"
expect 0 supply -- "$T" --db "$DB" supply --json
has "$D/out" '{"issued":188,"held":188,"retired":0,"cancelled":0,"buffer":29,"by":[{"project":"P0001","vintage":2024' "supply"
# a loss: the stands are felled by 2029; the buffer covers what it can
sed 's/,2024-\([0-9-]*\),\([^,]*\),\([^,]*\),[^,]*,/,2029-\1,\2,\3,0,/' "$SA" >"$D/felled.csv"
expect 0 report-loss -- "$T" --db "$DB" report add P0001 --before "$SA" --after "$D/felled.csv" --json
has "$D/out" '"credits_total":0' "a loss issues nothing"
expect 0 verify-loss -- "$T" --db "$DB" report verify 3 --verifier 韶关核证中心
expect 0 issue-loss -- "$T" --db "$DB" issue 3 --json
has "$D/out" '"reversal":4344,"cancelled":29,"outstanding_reversal":4315' "reversal cancels the buffer, the rest outstanding"
expect 0 supply-after-loss -- "$T" --db "$DB" supply --json
has "$D/out" '{"issued":188,"held":159,"retired":0,"cancelled":29,"buffer":0' "supply after the reversal"
sed 's/,2024-/,2034-/' "$SA" >"$D/a2034.csv"
expect 0 report-after-loss -- "$T" --db "$DB" report add P0001 --before "$D/felled.csv" --after "$D/a2034.csv" --json
expect 0 verify-after-loss -- "$T" --db "$DB" report verify 4 --verifier 韶关核证中心
expect 2 issue-blocked -- "$T" --db "$DB" issue 4
has "$D/err" "outstanding reversal of 4315 credits" "an outstanding reversal blocks issuance"

# --- transfers, retirements, certificates, check ---
expect 0 buyer-add -- "$T" --db "$DB" account add 韶关某制造公司 --kind company
expect 0 transfer -- "$T" --db "$DB" transfer --from 乐昌市第1国有林场 --to 韶关某制造公司 --qty 100 --json
has "$D/out" '"type":"transfer"' "transfer --json"
has "$D/out" '"blocks":[{"serial":"SGFC-P0001-2024-000000001-000000100","first":1,"last":100,"quantity":100}]' "lowest serials first"
expect 2 transfer-too-many -- "$T" --db "$DB" transfer --from 乐昌市第1国有林场 --to 韶关某制造公司 --qty 60
has "$D/err" "holds 59 available credits, not 60" "more than held"
expect 2 transfer-zero -- "$T" --db "$DB" transfer --from 乐昌市第1国有林场 --to 韶关某制造公司 --qty 0
expect 2 transfer-self -- "$T" --db "$DB" transfer --from 乐昌市第1国有林场 --to 乐昌市第1国有林场 --qty 1
expect 2 transfer-buffer -- "$T" --db "$DB" transfer --from buffer --to 韶关某制造公司 --qty 1
expect 2 transfer-bad-serial -- "$T" --db "$DB" transfer --from 乐昌市第1国有林场 --to 韶关某制造公司 --serials SN-BLK-DEMO-D-NaN-NaN-undefined
has "$D/err" "serial 'SN-BLK-DEMO-D-NaN-NaN-undefined'" "malformed serial refused"
expect 0 transfer-serials -- "$T" --db "$DB" transfer --from 乐昌市第1国有林场 --to 韶关某制造公司 --serials SGFC-P0001-2024-000000120-000000125
expect 0 holdings-split -- "$T" --db "$DB" holdings 乐昌市第1国有林场 --json
has "$D/out" '"total":53' "holdings after a split"
has "$D/out" '"serial":"SGFC-P0001-2024-000000101-000000119"' "the part before the named serials"
has "$D/out" '"serial":"SGFC-P0001-2024-000000126-000000159"' "the part after the named serials"
expect 0 retire -- "$T" --db "$DB" retire --from 韶关某制造公司 --qty 30 --beneficiary "韶关某制造公司 2025 年度排放" --reason 自愿抵消 --jurisdiction CN-GD --json
has "$D/out" '"id":3,"type":"retirement"' "retire --json gives the certificate id"
has "$D/out" '"beneficiary":"韶关某制造公司 2025 年度排放","reason":"自愿抵消","jurisdiction":"CN-GD","quantity":30' "certificate fields"
expect 0 certificate -- "$T" --db "$DB" certificate 3
has "$D/out" "beneficiary   韶关某制造公司 2025 年度排放" "certificate text"
has "$D/out" "SGFC-P0001-2024-000000001-000000030" "certificate serials"
expect 2 retire-no-reason -- "$T" --db "$DB" retire --from 韶关某制造公司 --qty 1 --beneficiary x
expect 2 certificate-none -- "$T" --db "$DB" certificate 99
expect 0 supply-retired -- "$T" --db "$DB" supply --json
has "$D/out" '{"issued":188,"held":129,"retired":30,"cancelled":29,"buffer":0' "supply after retiring"
expect 0 check -- "$T" --db "$DB" check --json
has "$D/out" '{"ok":true' "check passes"
if command -v sqlite3 >/dev/null 2>&1; then
    cp "$DB" "$D/tampered.db"
    sqlite3 "$D/tampered.db" "UPDATE blocks SET last = last + 1 WHERE id = (SELECT max(id) FROM blocks)" 2>/dev/null
    expect 1 check-tampered -- "$T" --db "$D/tampered.db" check
    has "$D/err" "tanhui: check: invariant" "check names the violation"
fi

# --- cash: deposits and withdrawals in fen, balances, invariant 5 ---
expect 0 cash-deposit -- "$T" --db "$DB" cash deposit 韶关某制造公司 1250.50 --reference BANK-2026-001 --json
has "$D/out" '"type":"deposit","amount_fen":125050,"amount":"1250.50","reference":"BANK-2026-001"' "deposit --json"
has "$D/out" '"balance_fen":125050,"available_fen":125050,"reserved_fen":0' "deposit gives the balance"
expect 0 cash-deposit-fen -- "$T" --db "$DB" cash deposit 韶关某制造公司 0.07
has "$D/out" "deposit 2: 0.07 CNY" "deposit as text"
has "$D/out" "balance 1250.57 CNY, available 1250.57, reserved 0.00" "the balance to the fen"
expect 0 cash-withdraw -- "$T" --db "$DB" cash withdraw 韶关某制造公司 250.5
has "$D/out" "withdrawal 3: 250.50 CNY" "withdraw as text"
expect 2 cash-withdraw-more -- "$T" --db "$DB" cash withdraw 韶关某制造公司 1000.08
has "$D/err" "insufficient cash: 韶关某制造公司 has 1000.07 available (0.00 reserved for open orders)" "withdrawing more than available"
expect 0 cash-balance -- "$T" --db "$DB" cash balance 韶关某制造公司 --json
has "$D/out" '{"account":' "balance --json"
has "$D/out" '"balance_fen":100007,"available_fen":100007,"reserved_fen":0,"balance":"1000.07","available":"1000.07","reserved":"0.00"}' "balance to the fen"
expect 0 cash-balance-none -- "$T" --db "$DB" cash balance 乐昌市第1国有林场 --json
has "$D/out" '"balance_fen":0,' "an account that never had cash has 0"
expect 0 cash-check -- "$T" --db "$DB" check --json
has "$D/out" '"cash_fen":100007' "check sums the cash"
if command -v sqlite3 >/dev/null 2>&1; then
    cp "$DB" "$D/cash-tampered.db"
    sqlite3 "$D/cash-tampered.db" "UPDATE cash SET balance_fen = balance_fen + 1"
    expect 1 cash-check-tampered -- "$T" --db "$D/cash-tampered.db" check
    has "$D/err" "invariant 5: the cash balances do not add up to deposits less withdrawals (balances=100008, deposits_less_withdrawals=100007)" "check finds cash made from nothing"
fi

# --- instruments: what the exchange trades, its band and fees ---
expect 0 instrument-add -- "$T" --db "$DB" instrument add SGFC-2024 --vintage 2024 --ref-price 58.50 --maker-fee-bps 5 --taker-fee-bps 10 --json
has "$D/out" '"code":"SGFC-2024","vintage":2024,"project":null,"ref_price_fen":5850,"ref_price":"58.50","band_bps":1000,"band_lo_fen":5265,"band_hi_fen":6435,"maker_fee_bps":5,"taker_fee_bps":10,"pick_depth":5,"t_plus_one":false,"session":"open","block_min":100000}' "instrument add --json"
expect 0 instrument-add-project -- "$T" --db "$DB" instrument add P1-2024 --vintage 2024 --project P0001 --ref-price 60.01 --band-pct 2.5 --t-plus-one
has "$D/out" "P1-2024          vintage 2024, project 1; reference 60.01 CNY, band 58.51..61.51; fees maker 0 taker 0 bps; pick depth 5; T+1" "instrument add as text"
expect 0 instrument-list -- "$T" --db "$DB" instrument list --json
has "$D/out" '{"instruments":[{"id":1,"code":"SGFC-2024"' "instrument list --json"
expect 0 instrument-show -- "$T" --db "$DB" instrument show P1-2024
has "$D/out" "band 58.51..61.51" "instrument show"
expect 0 fees-account -- "$T" --db "$DB" account list --json
has "$D/out" '"name":"fees","kind":"fees"' "the first instrument makes the fees account"

# --- bad input for every write and read command: exit 2, one line naming what is wrong, and
#     the registry unchanged to the last row (its full dump compared before and after) ---
sed 's/,2034-/,2039-/' "$D/a2034.csv" >"$D/a2039.csv"
expect 0 sweep-report -- "$T" --db "$DB" report add P0001 --before "$D/a2034.csv" --after "$D/a2039.csv" --json
has "$D/out" '"id":5,' "a report for the sweep"
has "$D/out" '"status":"submitted"' "a submitted report for the sweep"
sweep_dump() { if command -v sqlite3 >/dev/null 2>&1; then sqlite3 "$DB" .dump; else "$T" --db "$DB" supply --json; fi; }
sweep_dump >"$D/sweep.before"
# each line: a name, then the arguments after `tanhui --db DB`, separated by |
BADU=$(printf 'na\377me')
BADU2=$(printf 'x\355\240\200y')
# run_fields DB FIELD...: tanhui --db DB with the fields, the empty trailing ones dropped
run_fields() {
    db=$1
    shift
    n=$#
    while [ $n -gt 0 ] && eval "[ -z \"\${$n}\" ]"; do n=$((n - 1)); done
    args=""
    i=1
    while [ $i -le $n ]; do args="$args \"\${$i}\""; i=$((i + 1)); done
    eval "\"\$T\" --db \"\$db\" $args" >"$D/out" 2>"$D/err"
}
while IFS='|' read -r name a1 a2 a3 a4 a5 a6 a7 a8 a9 a10; do
    [ -z "$name" ] && continue
    run_fields "$DB" "$a1" "$a2" "$a3" "$a4" "$a5" "$a6" "$a7" "$a8" "$a9" "$a10"
    got=$?
    if [ $got -eq 2 ] && [ "$(wc -l <"$D/err")" -eq 1 ] && grep -q '^tanhui: ' "$D/err" && [ ! -s "$D/out" ]; then ok
    else bad "sweep $name: exit $got, expected 2 and one error line:"; sed 's/^/    /' "$D/err" "$D/out" | head -4; fi
    [ -n "${SWEEP_SHOW:-}" ] && printf '%-28s %s\n' "$name" "$(cat "$D/err")"
done <<SWEEP
account-utf8|account|add|$BADU|--kind|household
account-surrogate|account|add|$BADU2|--kind|household
account-control|account|add|$(printf 'a\tb')|--kind|household
account-long|account|add|$(printf '%0101d' 0 | tr 0 x)|--kind|household
account-empty|account|add||--kind|household
account-kind|account|add|x|--kind|fees
account-extra|account|add|x|y|--kind|household
project-owner|project|add|--name|新项目|--owner|无此人
project-owner-id|project|add|--name|新项目|--owner|99999999999999999999
project-utf8|project|add|--name|$BADU|--owner|2
project-dup|project|add|--name|乐昌林场碳汇一期|--owner|2
project-buffer|project|add|--name|新项目|--owner|2|--buffer-pct|-1
project-buffer-big|project|add|--name|新项目|--owner|2|--buffer-pct|1e400
report-project|report|add|P9999|--before|$SA|--after|$D/a2034.csv
report-project-overflow|report|add|P99999999999999999999|--before|$SA|--after|$D/a2034.csv
report-no-file|report|add|P0001|--before|$D/none.csv|--after|$D/a2034.csv
report-verify-none|report|verify|999|--verifier|韶关核证中心
report-verify-overflow|report|verify|99999999999999999999|--verifier|韶关核证中心
report-verify-household|report|verify|5|--verifier|李某某
report-verify-company|report|verify|5|--verifier|韶关某制造公司
report-verify-unknown|report|verify|5|--verifier|无此人
report-reject-utf8|report|reject|5|--verifier|韶关核证中心|--reason|$BADU
report-reject-household|report|reject|5|--verifier|李某某|--reason|x
issue-none|issue|999
issue-submitted|issue|5
issue-word|issue|abc
transfer-from|transfer|--from|无此人|--to|韶关某制造公司|--qty|1
transfer-to|transfer|--from|乐昌市第1国有林场|--to|99|--qty|1
transfer-negative|transfer|--from|乐昌市第1国有林场|--to|韶关某制造公司|--qty|-5
transfer-overflow|transfer|--from|乐昌市第1国有林场|--to|韶关某制造公司|--qty|9223372036854775808
transfer-huge|transfer|--from|乐昌市第1国有林场|--to|韶关某制造公司|--qty|99999999999999999999999
transfer-fraction|transfer|--from|乐昌市第1国有林场|--to|韶关某制造公司|--qty|1.5
transfer-more|transfer|--from|韶关某制造公司|--to|乐昌市第1国有林场|--qty|77
transfer-retired|transfer|--from|韶关某制造公司|--to|乐昌市第1国有林场|--serials|SGFC-P0001-2024-000000001-000000030
transfer-overlap|transfer|--from|韶关某制造公司|--to|乐昌市第1国有林场|--serials|SGFC-P0001-2024-000000025-000000035
transfer-others|transfer|--from|韶关某制造公司|--to|乐昌市第1国有林场|--serials|SGFC-P0001-2024-000000101-000000110
transfer-serial-overflow|transfer|--from|韶关某制造公司|--to|乐昌市第1国有林场|--serials|SGFC-P0001-2024-000000031-99999999999999999999
transfer-serial-reversed|transfer|--from|韶关某制造公司|--to|乐昌市第1国有林场|--serials|SGFC-P0001-2024-000000040-000000031
transfer-serial-qty|transfer|--from|韶关某制造公司|--to|乐昌市第1国有林场|--serials|SGFC-P0001-2024-000000031-000000040|--qty|3
transfer-project|transfer|--from|韶关某制造公司|--to|乐昌市第1国有林场|--qty|1|--project|P0009
transfer-vintage|transfer|--from|韶关某制造公司|--to|乐昌市第1国有林场|--qty|1|--vintage|2023
transfer-vintage-overflow|transfer|--from|韶关某制造公司|--to|乐昌市第1国有林场|--qty|1|--vintage|99999999999
retire-negative|retire|--from|韶关某制造公司|--qty|-1|--beneficiary|b|--reason|r
retire-more|retire|--from|韶关某制造公司|--qty|77|--beneficiary|b|--reason|r
retire-utf8|retire|--from|韶关某制造公司|--qty|1|--beneficiary|$BADU|--reason|r
retire-reason-utf8|retire|--from|韶关某制造公司|--qty|1|--beneficiary|b|--reason|$BADU2
retire-retired|retire|--from|韶关某制造公司|--serials|SGFC-P0001-2024-000000001-000000001|--beneficiary|b|--reason|r
retire-buffer|retire|--from|buffer|--qty|1|--beneficiary|b|--reason|r
cash-no-amount|cash|deposit|韶关某制造公司
cash-zero|cash|deposit|韶关某制造公司|0
cash-zero-fen|cash|deposit|韶关某制造公司|0.00
cash-negative|cash|deposit|韶关某制造公司|-5
cash-fen-fraction|cash|deposit|韶关某制造公司|1.005
cash-exponent|cash|deposit|韶关某制造公司|1e3
cash-comma|cash|deposit|韶关某制造公司|1,000
cash-dot|cash|deposit|韶关某制造公司|5.
cash-huge|cash|deposit|韶关某制造公司|10000000000000.01
cash-overflow|cash|deposit|韶关某制造公司|99999999999999999999999
cash-account|cash|deposit|无此人|1
cash-buffer|cash|deposit|buffer|1
cash-reference|cash|deposit|韶关某制造公司|1|--reference|$BADU
cash-withdraw-more|cash|withdraw|韶关某制造公司|1000.08
cash-withdraw-none|cash|withdraw|乐昌市第1国有林场|0.01
cash-verb|cash|lend|韶关某制造公司|1
cash-balance-none|cash|balance|无此人
instrument-dup|instrument|add|SGFC-2024|--vintage|2024|--ref-price|58
instrument-code|instrument|add|SGFC 2024|--vintage|2024|--ref-price|58
instrument-code-digits|instrument|add|2024|--vintage|2024|--ref-price|58
instrument-code-long|instrument|add|$(printf '%033d' 0 | tr 0 A)|--vintage|2024|--ref-price|58
instrument-vintage|instrument|add|NEW|--vintage|24|--ref-price|58
instrument-no-price|instrument|add|NEW|--vintage|2024
instrument-price|instrument|add|NEW|--vintage|2024|--ref-price|0
instrument-price-fen|instrument|add|NEW|--vintage|2024|--ref-price|58.555
instrument-band|instrument|add|NEW|--vintage|2024|--ref-price|58|--band-pct|0
instrument-band-big|instrument|add|NEW|--vintage|2024|--ref-price|58|--band-pct|100.01
instrument-fee|instrument|add|NEW|--vintage|2024|--ref-price|58|--taker-fee-bps|1001
instrument-fee-negative|instrument|add|NEW|--vintage|2024|--ref-price|58|--maker-fee-bps|-1
instrument-depth|instrument|add|NEW|--vintage|2024|--ref-price|58|--pick-depth|0
instrument-project|instrument|add|NEW|--vintage|2024|--ref-price|58|--project|P0009
instrument-show-none|instrument|show|NOPE
instrument-verb|instrument|remove|SGFC-2024
holdings-none|holdings|无此人
holdings-overflow|holdings|99999999999999999999
certificate-word|certificate|abc
certificate-overflow|certificate|99999999999999999999
SWEEP
sweep_dump >"$D/sweep.after"
cmp -s "$D/sweep.before" "$D/sweep.after" && ok || { bad "the bad-input sweep changed the registry"; diff "$D/sweep.before" "$D/sweep.after" | head -5; }
expect 0 sweep-check -- "$T" --db "$DB" check

# --- the exchange: orders, reservations, delivery versus payment, fees, to the fen and serial ---
# ex_registry DB BUYER1 BUYER2: accounts 林场 (state, owning project P, its report's credits
# issued), V (verifier) and two companies
ex_registry() {
    db=$1
    expect 0 "$db-init" -- "$T" --db "$db" init
    for a in 林场:state V:verifier "$2:company" "$3:company"; do
        expect 0 "$db-account-$a" -- "$T" --db "$db" account add "${a%%:*}" --kind "${a#*:}"
    done
    expect 0 "$db-project" -- "$T" --db "$db" project add --name P --owner 林场
    expect 0 "$db-report" -- "$T" --db "$db" report add P --before "$SB" --after "$SA"
    expect 0 "$db-verify" -- "$T" --db "$db" report verify 1 --verifier V
    expect 0 "$db-issue" -- "$T" --db "$db" issue 1
}
X="$D/ex.db"
ex_registry "$X" 买家A 买家B
expect 0 ex-instrument -- "$T" --db "$X" instrument add SG24 --vintage 2024 --ref-price 58.50 --maker-fee-bps 5 --taker-fee-bps 10
expect 0 ex-deposit-a -- "$T" --db "$X" cash deposit 买家A 10000
expect 0 ex-deposit-b -- "$T" --db "$X" cash deposit 买家B 500
expect 0 ex-sell-1 -- "$T" --db "$X" order add --account 林场 --instrument SG24 --side sell --price 59.00 --qty 30
has "$D/out" "order 1: SG24 sell 30 at 59.00 (limit gtc), filled 0, open" "a resting sell"
expect 0 ex-sell-2 -- "$T" --db "$X" order add --account 林场 --instrument SG24 --side sell --price 58 --qty 20 --json
has "$D/out" '"status":"open","reserved_fen":0,' "a sell reserves no cash"
expect 0 ex-holdings-reserved -- "$T" --db "$X" holdings 林场
has "$D/out" "155 credits: 105 available, 50 reserved" "sells reserve their credits"
has "$D/out" "SGFC-P0001-2024-000000001-000000030  30  reserved" "the first sell's serials, lowest first"
has "$D/out" "SGFC-P0001-2024-000000031-000000050  20  reserved" "the second sell's serials"
expect 0 ex-book -- "$T" --db "$X" book SG24
has "$D/out" "ask        58.00         20  (1 orders)" "the book's best ask"
expect 0 ex-buy-sweep -- "$T" --db "$X" order add --account 买家A --instrument SG24 --side buy --price 59.50 --qty 40 --json
has "$D/out" '"filled":40,"remaining":0,"status":"filled","reserved_fen":0,' "the buy fills"
has "$D/out" '{"trade":1,"buy_order":3,"sell_order":2,"price_fen":5800,"price":"58.00","qty":20,"buyer_fee_fen":116,"seller_fee_fen":58}' "best price first, at the resting price, taker 10 bps and maker 5 bps"
has "$D/out" '{"trade":2,"buy_order":3,"sell_order":1,"price_fen":5900,"price":"59.00","qty":20,"buyer_fee_fen":118,"seller_fee_fen":59}' "then the next level"
expect 0 ex-cash-a -- "$T" --db "$X" cash balance 买家A --json
has "$D/out" '"balance_fen":765766,"available_fen":765766,"reserved_fen":0' "the buyer paid 2342.34 and keeps no reservation"
expect 0 ex-cash-seller -- "$T" --db "$X" cash balance 林场 --json
has "$D/out" '"balance_fen":233883,' "the seller received 2340.00 less 1.17 of fees"
expect 0 ex-cash-fees -- "$T" --db "$X" cash balance fees --json
has "$D/out" '"balance_fen":351,' "the fees account holds 3.51"
expect 0 ex-holdings-buyer -- "$T" --db "$X" holdings 买家A
has "$D/out" "SGFC-P0001-2024-000000001-000000020  20  available" "the buyer got the first sell's lowest serials"
has "$D/out" "SGFC-P0001-2024-000000031-000000050  20  available" "and the second sell's"
expect 0 ex-cancel -- "$T" --db "$X" order cancel 1
has "$D/out" "order 1: SG24 sell 30 at 59.00 (limit gtc), filled 20, cancelled" "a partly filled sell cancelled"
expect 0 ex-holdings-released -- "$T" --db "$X" holdings 林场
has "$D/out" "115 credits: 115 available, 0 reserved" "the cancel released the 10 credits left"
expect 2 ex-cancel-again -- "$T" --db "$X" order cancel 1
has "$D/err" "order 1 is cancelled: only an open order can be cancelled" "a closed order cannot be cancelled"
# price improvement: a resting buy at 60.00 meets a sell at 59.90 and trades at 60.00
expect 0 ex-buy-rest -- "$T" --db "$X" order add --account 买家B --instrument SG24 --side buy --price 60 --qty 5
has "$D/out" "reserves 300.30 CNY" "a buy reserves price and largest fee per credit (5 x 60.06)"
expect 0 ex-sell-cross -- "$T" --db "$X" order add --account 林场 --instrument SG24 --side sell --price 59.90 --qty 3
has "$D/out" "trade 3: 3 at 60.00 (buy order 4, sell order 5; fees buyer 0.09, seller 0.18)" "the seller takes: taker fee on the sell"
expect 0 ex-cash-b -- "$T" --db "$X" cash balance 买家B --json
has "$D/out" '"balance_fen":31991,"available_fen":19979,"reserved_fen":12012' "what is left reserved is 2 x 60.06"
expect 0 ex-cancel-buy -- "$T" --db "$X" order cancel 4 --json
has "$D/out" '"status":"cancelled","reserved_fen":0,' "a cancelled buy reserves nothing"
expect 0 ex-cash-b2 -- "$T" --db "$X" cash balance 买家B --json
has "$D/out" '"balance_fen":31991,"available_fen":31991,"reserved_fen":0' "the cancel gave back the reservation to the fen"
expect 0 ex-ioc -- "$T" --db "$X" order add --account 买家A --instrument SG24 --side buy --price 60 --qty 10 --tif ioc
has "$D/out" "filled 0, cancelled" "an IOC with nothing to meet is cancelled"
expect 0 ex-market -- "$T" --db "$X" order add --account 买家A --instrument SG24 --side buy --qty 5 --type market
has "$D/out" "at 64.35 (market ioc), filled 0, cancelled" "a market buy is priced at the band's top and never rests"
expect 0 ex-bid -- "$T" --db "$X" order add --account 买家B --instrument SG24 --side buy --price 61 --qty 2
expect 0 ex-fok -- "$T" --db "$X" order add --account 林场 --instrument SG24 --side sell --price 61 --qty 5 --tif fok
has "$D/out" "filled 0, cancelled" "a FOK that cannot fill at once trades nothing"
expect 0 ex-holdings-fok -- "$T" --db "$X" holdings 林场
has "$D/out" "0 reserved" "the FOK's credits are released"
expect 0 ex-orders -- "$T" --db "$X" orders 买家A --json
has "$D/out" '{"account":4,"orders":[{"id":' "orders --json"
expect 0 ex-trades -- "$T" --db "$X" trades SG24 --json
has "$D/out" '{"trades":[{"id":3,"instrument":"SG24","buy_order":4,"sell_order":5,"buyer":5,"seller":2,"price_fen":6000,"price":"60.00","qty":3,"aggressor":"sell","buyer_fee_fen":9,"seller_fee_fen":18,"time":"' "trades --json, newest first"
expect 0 ex-trades-all -- "$T" --db "$X" trades
has "$D/out" "SG24 20 at 58.00  buyer 4 seller 2  (buy)" "the tape"
# refused orders: exit 2, one line, and the registry unchanged to the last row
ex_dump() { if command -v sqlite3 >/dev/null 2>&1; then sqlite3 "$X" .dump; else "$T" --db "$X" check --json; fi; }
ex_dump >"$D/ex.before"
while IFS='|' read -r name why a1 a2 a3 a4 a5 a6 a7 a8 a9 a10 a11 a12 a13 a14 a15 a16; do
    [ -z "$name" ] && continue
    run_fields "$X" "$a1" "$a2" "$a3" "$a4" "$a5" "$a6" "$a7" "$a8" "$a9" "$a10" "$a11" "$a12" "$a13" "$a14" "$a15" "$a16"
    got=$?
    if [ $got -eq 2 ] && [ "$(wc -l <"$D/err")" -eq 1 ] && grep -qF -- "$why" "$D/err"; then ok
    else bad "order sweep $name: exit $got, expected 2 and '$why':"; sed 's/^/    /' "$D/err" "$D/out" | head -3; fi
done <<OSWEEP
band-high|outside SG24's band today: 52.65 to 64.35 CNY|order|add|--account|买家A|--instrument|SG24|--side|buy|--price|64.36|--qty|1
band-low|outside SG24's band today|order|add|--account|林场|--instrument|SG24|--side|sell|--price|52.64|--qty|1
cash|insufficient cash: the order reserves 6006.00 CNY|order|add|--account|买家B|--instrument|SG24|--side|buy|--price|60|--qty|100
credits|insufficient credits: 林场 holds 112 available credits of vintage 2024, not 113|order|add|--account|林场|--instrument|SG24|--side|sell|--price|60|--qty|113
no-credits|insufficient credits: 买家B holds 3 available|order|add|--account|买家B|--instrument|SG24|--side|sell|--price|60|--qty|4
instrument|no instrument has this code|order|add|--account|买家A|--instrument|NOPE|--side|buy|--price|60|--qty|1
account|no account has this name|order|add|--account|无此人|--instrument|SG24|--side|buy|--price|60|--qty|1
buffer|the registry's buffer account does not trade|order|add|--account|buffer|--instrument|SG24|--side|sell|--price|60|--qty|1
side|an order's side is buy or sell|order|add|--account|买家A|--instrument|SG24|--side|hold|--price|60|--qty|1
tif|the time in force is gtc, day, ioc, fok or post|order|add|--account|买家A|--instrument|SG24|--side|buy|--price|60|--qty|1|--tif|forever
market-gtc|a market order never rests|order|add|--account|买家A|--instrument|SG24|--side|buy|--qty|1|--type|market|--tif|gtc
market-price|a market order has no --price|order|add|--account|买家A|--instrument|SG24|--side|buy|--qty|1|--type|market|--price|60
type|an order's type is limit or market|order|add|--account|买家A|--instrument|SG24|--side|buy|--qty|1|--type|stop|--price|60
no-price|a limit order needs --price|order|add|--account|买家A|--instrument|SG24|--side|buy|--qty|1
price-fen|--price is yuan per tonne|order|add|--account|买家A|--instrument|SG24|--side|buy|--qty|1|--price|60.001
qty|--qty must be a whole number|order|add|--account|买家A|--instrument|SG24|--side|buy|--qty|0|--price|60
post-cross|a post-only order would trade on arrival|order|add|--account|林场|--instrument|SG24|--side|sell|--price|60|--qty|1|--tif|post
cancel-none|no order has the id 99|order|cancel|99
cancel-word|an order is named by its id|order|cancel|abc
show-none|no order has the id 99|order|show|99
orders-none|no account has this name|orders|无此人
book-none|no instrument has this code|book|NOPE
OSWEEP
ex_dump >"$D/ex.after"
cmp -s "$D/ex.before" "$D/ex.after" && ok || { bad "refused orders changed the registry"; diff "$D/ex.before" "$D/ex.after" | head -5; }
expect 0 ex-check -- "$T" --db "$X" check --json
has "$D/out" '"orders_open":1,"trades":3,"cash_fen":1050000' "check: the exchange's invariants hold, cash only moved"
expect 0 ex-log-verify -- "$T" --db "$X" log verify
has "$D/out" "replaying the entries gives this registry" "the exchange's entries replay to the same registry"
if command -v sqlite3 >/dev/null 2>&1; then
    cp "$X" "$D/ex-tampered.db"
    sqlite3 "$D/ex-tampered.db" "UPDATE trades SET buyer_fee_fen = buyer_fee_fen + 1 WHERE id = 1"
    expect 1 ex-check-fee -- "$T" --db "$D/ex-tampered.db" check
    has "$D/err" "an account's cash is not its deposits, withdrawals, trades, fees and payouts (account=4, unexplained_fen=-1)" "check finds a fee that no cash paid"
    cp "$X" "$D/ex-tampered.db"
    sqlite3 "$D/ex-tampered.db" "UPDATE orders SET reserved_fen = reserved_fen + 1 WHERE status = 'open'"
    expect 1 ex-check-reserve -- "$T" --db "$D/ex-tampered.db" check
    has "$D/err" "a buy order's reservation is not its price and largest fee per credit left" "check finds a wrong reservation"
    cp "$X" "$D/ex-tampered.db"
    sqlite3 "$D/ex-tampered.db" "UPDATE orders SET filled = filled - 1 WHERE id = 3"
    expect 1 ex-check-filled -- "$T" --db "$D/ex-tampered.db" check
    has "$D/err" "an order's filled quantity is not what it traded (order_id=3, unexplained=1)" "check finds a fill without its trade"
fi

# --- benefit sharing: the owner's proceeds split among the parcel owners, to the fen ---
S="$D/share.db"
expect 0 sh-init -- "$T" --db "$S" init
for a in "乐昌市第1国有林场 state" "V verifier" "买家 company"; do
    set -- $a
    expect 0 "sh-account-$1" -- "$T" --db "$S" account add "$1" --kind "$2"
done
expect 0 sh-project -- "$T" --db "$S" project add --name P --owner 乐昌市第1国有林场
expect 0 sh-report -- "$T" --db "$S" report add P --before "$SB" --after "$SA" --by owner
expect 2 sh-submitted -- "$T" --db "$S" project share P --from-report 1
has "$D/err" "report 1 is submitted: only a verified report's owners can share" "a submitted report cannot share"
expect 0 sh-verify -- "$T" --db "$S" report verify 1 --verifier V
expect 0 sh-issue -- "$T" --db "$S" issue 1
expect 2 sh-no-accounts -- "$T" --db "$S" project share P --from-report 1
has "$D/err" "3 owners of report 1 have no account: 南雄市第2国有林场, 李某某(石坑村001户), 石坑村股份经济合作社" "owners without accounts are named"
expect 0 sh-from-report -- "$T" --db "$S" project share P --from-report 1 --add-accounts household
has "$D/out" "project 1: 4 beneficiaries" "every owner that gained carbon shares"
has "$D/out" "43.6479 %  乐昌市第1国有林场 (account 2)" "weights are the owners' shares of the removals"
has "$D/out" "15.7814 %  石坑村股份经济合作社 (account 7)" "a collective's share"
expect 0 sh-beneficiaries -- "$T" --db "$S" project beneficiaries P --json
has "$D/out" '{"project":1,"beneficiaries":[{"account":2,"name":"乐昌市第1国有林场","weight":' "beneficiaries --json"
expect 0 sh-instrument -- "$T" --db "$S" instrument add SG24 --vintage 2024 --ref-price 58.50 --maker-fee-bps 5 --taker-fee-bps 10
expect 0 sh-deposit -- "$T" --db "$S" cash deposit 买家 10000
expect 0 sh-sell -- "$T" --db "$S" order add --account 乐昌市第1国有林场 --instrument SG24 --side sell --price 58.33 --qty 7
expect 0 sh-buy -- "$T" --db "$S" order add --account 买家 --instrument SG24 --side buy --price 59 --qty 7 --json
has "$D/out" '"price_fen":5833,"price":"58.33","qty":7,"buyer_fee_fen":41,"seller_fee_fen":21}' "the owner's sale"
expect 0 sh-payouts-5 -- "$T" --db "$S" payouts 5 --json
has "$D/out" '"total_fen":14175,"total":"141.75","payouts":[{"id":' "a state farm's share of 408.10"
expect 0 sh-payouts-6 -- "$T" --db "$S" payouts "李某某(石坑村001户)"
has "$D/out" "received 23.82 CNY in benefit shares" "a household's share, as text"
expect 0 sh-payouts-7 -- "$T" --db "$S" payouts 7 --json
has "$D/out" '"total_fen":6440,' "the collective's share"
expect 0 sh-owner-cash -- "$T" --db "$S" cash balance 乐昌市第1国有林场 --json
has "$D/out" '"balance_fen":17813,' "the owner keeps its own share: 408.10 - 229.97"
expect 0 sh-by-hand -- "$T" --db "$S" project share P --beneficiary 7:1 --beneficiary "李某某(石坑村001户):2" --json
has "$D/out" '"beneficiaries":[{"account":6,"name":"李某某(石坑村001户)","weight":2000000},{"account":7,"name":"石坑村股份经济合作社","weight":1000000}]}' "by hand, the list replaced"
expect 0 sh-sell-2 -- "$T" --db "$S" order add --account 乐昌市第1国有林场 --instrument SG24 --side sell --price 58.34 --qty 1
expect 0 sh-buy-2 -- "$T" --db "$S" order add --account 买家 --instrument SG24 --side buy --price 59 --qty 1
expect 0 sh-payouts-7b -- "$T" --db "$S" payouts 7 --json
has "$D/out" '"total_fen":8384,' "58.34 less 0.03: a third is 19.44 (the odd fen to the larger remainder)"
expect 0 sh-payouts-6b -- "$T" --db "$S" payouts 6 --json
has "$D/out" '"total_fen":6269,' "and two thirds 38.87"
for bad in "P|--from-report|1|--beneficiary|7:1" "P" "P|--beneficiary|7" "P|--beneficiary|7:0" "P|--beneficiary|7:-1" \
    "P|--beneficiary|buffer:1" "P|--beneficiary|7:1|--beneficiary|7:2" "P|--beneficiary|无此人:1" "P9|--beneficiary|7:1" \
    "P|--beneficiary|7:1.0000001" "P|--beneficiary|7:1|--add-accounts|household"; do
    (IFS='|'; set -- $bad; "$T" --db "$S" project share "$@" >"$D/out" 2>"$D/err")
    got=$?
    if [ $got -eq 2 ] && [ "$(wc -l <"$D/err")" -eq 1 ]; then ok; else bad "project share $bad: exit $got"; cat "$D/err"; fi
done
expect 0 sh-check -- "$T" --db "$S" check
expect 0 sh-log-verify -- "$T" --db "$S" log verify
if command -v sqlite3 >/dev/null 2>&1; then
    cp "$S" "$D/sh-tampered.db"
    sqlite3 "$D/sh-tampered.db" "UPDATE payouts SET amount_fen = amount_fen + 1 WHERE id = 1"
    expect 1 sh-check-tampered -- "$T" --db "$D/sh-tampered.db" check
    has "$D/err" "an account's cash is not its deposits, withdrawals, trades, fees and payouts" "check finds a payout that no cash made"
fi

# --- sessions: the pre-open call auction, its uncross at the open, the VWAP close ---
Q="$D/session.db"
ex_registry "$Q" 甲 乙
expect 0 se-instrument -- "$T" --db "$Q" instrument add SG24 --vintage 2024 --ref-price 58.50 --maker-fee-bps 5 --taker-fee-bps 10 --block-min 10 --json
has "$D/out" '"session":"open","block_min":10}' "a new instrument is open"
expect 0 se-deposit-1 -- "$T" --db "$Q" cash deposit 甲 10000
expect 0 se-deposit-2 -- "$T" --db "$Q" cash deposit 乙 10000
expect 0 se-close-empty -- "$T" --db "$Q" session close SG24
has "$D/out" "SG24: closed (was open); reference 58.50 CNY, band 52.65..64.35" "a close without trades keeps the reference"
expect 2 se-closed-order -- "$T" --db "$Q" order add --account 甲 --instrument SG24 --side buy --price 59 --qty 1
has "$D/err" "SG24's session is closed" "a closed session refuses orders"
expect 2 se-close-twice -- "$T" --db "$Q" session close SG24
expect 0 se-preopen -- "$T" --db "$Q" session preopen SG24
has "$D/out" "SG24: pre-open call auction (was closed)" "the pre-open"
expect 0 se-sell-1 -- "$T" --db "$Q" order add --account 林场 --instrument SG24 --side sell --price 58 --qty 10
expect 0 se-sell-2 -- "$T" --db "$Q" order add --account 林场 --instrument SG24 --side sell --price 59.5 --qty 10
expect 0 se-buy-1 -- "$T" --db "$Q" order add --account 甲 --instrument SG24 --side buy --price 60 --qty 8
has "$D/out" "filled 0, open" "in the pre-open a crossing order rests"
expect 0 se-buy-day -- "$T" --db "$Q" order add --account 乙 --instrument SG24 --side buy --price 59 --qty 5 --tif day
expect 2 se-ioc -- "$T" --db "$Q" order add --account 乙 --instrument SG24 --side buy --price 59 --qty 5 --tif ioc
has "$D/err" "not allowed during the call auction" "no IOC in the call auction"
expect 2 se-preopen-twice -- "$T" --db "$Q" session preopen SG24
expect 0 se-book-crossed -- "$T" --db "$Q" book SG24 --json
has "$D/out" '"bids":[{"price_fen":6000,"price":"60.00","qty":8,"orders":1},{"price_fen":5900,"price":"59.00","qty":5,"orders":1}],"asks":[{"price_fen":5800,"price":"58.00","qty":10,"orders":1}' "the pre-open book is crossed"
expect 0 se-open -- "$T" --db "$Q" session open SG24 --json
has "$D/out" '"session":"open","was":"pre_open","by":"hand","ref_price_fen":5850,' "opened"
has "$D/out" '"auction_trades":2,' "the uncross traded"
expect 0 se-trades -- "$T" --db "$Q" trades SG24 --json
has "$D/out" '"price_fen":5800,"price":"58.00","qty":8,"aggressor":"auction","buyer_fee_fen":24,"seller_fee_fen":24' "10 execute at 58.00 (most volume; ties: least imbalance, nearest the reference, then lower), both at the maker's fee"
has "$D/out" '"price_fen":5800,"price":"58.00","qty":2,"aggressor":"auction"' "the day order's part"
expect 0 se-continuous -- "$T" --db "$Q" order add --account 甲 --instrument SG24 --side buy --price 59.5 --qty 4
has "$D/out" "trade 3: 4 at 59.50" "continuous trading after the open"
expect 0 se-close -- "$T" --db "$Q" session close SG24 --json
has "$D/out" '"session":"closed","was":"open","by":"hand","ref_price_fen":5950,"ref_price":"59.50","band_lo_fen":5355,"band_hi_fen":6545,"auction_trades":0,"vwap_fen":5950,"continuous_qty":4,"expired_orders":1}' "the close: the reference is the continuous VWAP (not the uncross), the band moves, the DAY order expires"
expect 0 se-expired -- "$T" --db "$Q" order show 4 --json
has "$D/out" '"filled":2,"remaining":0,"status":"expired","reserved_fen":0' "the DAY order expired, its reservation released"
expect 0 se-cash -- "$T" --db "$Q" cash balance 乙 --json
has "$D/out" '"balance_fen":988394,"available_fen":988394,"reserved_fen":0' "乙 paid 2 x 58.00 + 0.06 and has nothing reserved"
expect 0 se-check -- "$T" --db "$Q" check
expect 0 se-log-verify -- "$T" --db "$Q" log verify
expect 0 se-restart -- "$T" --db "$Q" instrument show SG24 --json
has "$D/out" '"ref_price_fen":5950,' "the reference price survives (each command is a new process)"
# replace: a smaller quantity keeps the place, a new price goes to the back; the reservation follows
expect 0 se-reopen -- "$T" --db "$Q" session open SG24
has "$D/out" "SG24: open (was closed)" "open from closed"
expect 0 rp-buy -- "$T" --db "$Q" order add --account 甲 --instrument SG24 --side buy --price 59 --qty 10
has "$D/out" "order 6: SG24 buy 10 at 59.00 (limit gtc), filled 0, open, reserves 590.60 CNY" "a bid"
expect 0 rp-smaller -- "$T" --db "$Q" order replace 6 --qty 6
has "$D/out" "order 6: SG24 buy 6 at 59.00 (limit gtc), filled 0, open, reserves 354.36 CNY" "fewer: the reservation shrinks"
expect 0 rp-price -- "$T" --db "$Q" order replace 6 --qty 8 --price 58 --json
has "$D/out" '"price_fen":5800,"price":"58.00","qty":8,"filled":0,"remaining":8,"status":"open","reserved_fen":46448' "a new price: 8 x 58.06 reserved"
expect 2 rp-band -- "$T" --db "$Q" order replace 6 --qty 8 --price 70
has "$D/err" "outside SG24's band today" "a replace keeps to the band"
expect 2 rp-closed -- "$T" --db "$Q" order replace 4 --qty 1
has "$D/err" "order 4 is expired: only an open order can be replaced" "only an open order is replaced"
for p in 60:7 60.5:8 61:9; do
    expect 0 "pk-sell-${p%%:*}" -- "$T" --db "$Q" order add --account 林场 --instrument SG24 --side sell --price "${p%%:*}" --qty 5
    has "$D/out" "order ${p#*:}: SG24 sell 5" "listing ${p#*:}"
done
# pick: the second level, at its price, ahead of the better one
expect 0 pk-pick -- "$T" --db "$Q" order pick --account 乙 --listing 8 --qty 2 --json
has "$D/out" '"fills":[{"trade":4,"buy_order":10,"sell_order":8,"price_fen":6050,"price":"60.50","qty":2,"buyer_fee_fen":13,"seller_fee_fen":7}]' "a pick trades with its listing at the listing's price"
expect 2 pk-self -- "$T" --db "$Q" order pick --account 林场 --listing 7 --qty 1
has "$D/err" "order refused: the order would trade with the same account" "a pick of one's own listing is refused"
expect 2 pk-more -- "$T" --db "$Q" order pick --account 乙 --listing 8 --qty 4
has "$D/err" "a pick takes 1 to 3 credits of listing 8" "no more than the listing has"
expect 2 pk-none -- "$T" --db "$Q" order pick --account 乙 --listing 99 --qty 1
expect 0 rp-cross -- "$T" --db "$Q" order replace 9 --qty 3 --price 58
has "$D/out" "trade 5: 3 at 58.00 (buy order 6, sell order 9" "a replace that crosses trades at the resting price"
expect 0 rp-holdings -- "$T" --db "$Q" holdings 林场 --json
expect 0 rp-check -- "$T" --db "$Q" check
expect 0 rp-log-verify -- "$T" --db "$Q" log verify
# T+1: credits bought in a session cannot be sold in it
expect 0 t1-instrument -- "$T" --db "$Q" instrument add SGT1 --vintage 2024 --ref-price 58.50 --t-plus-one
expect 0 t1-holdings -- "$T" --db "$Q" holdings 乙 --json
has "$D/out" '"total":4,' "乙 bought 4 (2 in the uncross, 2 by a pick)"
expect 2 t1-refused -- "$T" --db "$Q" order add --account 乙 --instrument SGT1 --side sell --price 58.50 --qty 1
has "$D/err" "insufficient credits: 乙 holds 4 available credits of vintage 2024, but 4 of them were bought in this session and SGT1 is T+1: they can be sold from the next session" "T+1 refuses to sell what was bought in the session"
expect 0 t1-other -- "$T" --db "$Q" order add --account 乙 --instrument SG24 --side sell --price 64 --qty 1
has "$D/out" "filled 0, open" "an instrument without T+1 lets them be sold"
expect 0 t1-close -- "$T" --db "$Q" session close SGT1
expect 0 t1-preopen -- "$T" --db "$Q" session preopen SGT1
expect 0 t1-sell -- "$T" --db "$Q" order add --account 乙 --instrument SGT1 --side sell --price 58.50 --qty 3
has "$D/out" "SGT1 sell 3 at 58.50 (limit gtc), filled 0, open" "in the next session they can"
expect 0 t1-check -- "$T" --db "$Q" check
# block trades (大宗协议): proposed, accepted, settled outside the book, not in the VWAP
expect 0 bk-propose -- "$T" --db "$Q" block propose --seller 林场 --buyer 甲 --instrument SG24 --price 45.00 --qty 20 --json
has "$D/out" '"instrument":"SG24","seller":2,"buyer":4,"price_fen":4500,"price":"45.00","qty":20,"status":"proposed","trade":null' "a proposal"
expect 2 bk-band -- "$T" --db "$Q" block propose --seller 林场 --buyer 甲 --instrument SG24 --price 41.64 --qty 20
has "$D/err" "within ±30 % of the reference: 41.65 to 77.35 CNY" "a block's band is ±30 % of the reference (59.50)"
expect 2 bk-small -- "$T" --db "$Q" block propose --seller 林场 --buyer 甲 --instrument SG24 --price 45.00 --qty 9
has "$D/err" "a block trade of SG24 is at least 10 t" "a block trade below the instrument's least quantity is refused"
expect 2 bk-wrong-buyer -- "$T" --db "$Q" block accept 1 --buyer 乙
has "$D/err" "block trade 1 was proposed to account 4, not to 乙" "only the buyer named accepts"
expect 0 bk-accept -- "$T" --db "$Q" block accept 1 --buyer 甲
has "$D/out" "block trade 1: SG24 20 at 45.00, seller 2, buyer 4, accepted (trade " "accepted and settled"
expect 2 bk-again -- "$T" --db "$Q" block accept 1 --buyer 甲
has "$D/err" "block trade 1 is accepted already" "a block trade settles once"
expect 0 bk-trades -- "$T" --db "$Q" trades SG24 --json
has "$D/out" '"price_fen":4500,"price":"45.00","qty":20,"aggressor":"block","buyer_fee_fen":90,"seller_fee_fen":45' "a block trade on the tape: buyer taker, seller maker"
expect 0 bk-propose-big -- "$T" --db "$Q" block propose --seller 林场 --buyer 乙 --instrument SG24 --price 60 --qty 100000
expect 2 bk-accept-short -- "$T" --db "$Q" block accept 2 --buyer 乙
has "$D/err" "insufficient cash" "an accept fails when the buyer cannot pay"
expect 0 bk-close -- "$T" --db "$Q" session close SG24 --json
has "$D/out" '"vwap_fen":5900,"continuous_qty":5,' "the close's VWAP (2 at 60.50, 3 at 58.00) leaves the block trade at 45.00 out"
expect 0 bk-list -- "$T" --db "$Q" block list
has "$D/out" "block trade 2: SG24 100000 at 60.00, seller 2, buyer 5, proposed" "block list"
expect 0 bk-check -- "$T" --db "$Q" check
expect 0 bars-day -- "$T" --db "$Q" bars SG24 --json
has "$D/out" '"interval":"1d","time_zone":"Asia/Shanghai","bars":[{"start":"' "daily bars"
has "$D/out" '"open_fen":5800,"high_fen":6050,"low_fen":4500,"close_fen":4500,"volume":39,"vwap_fen":5858,"trades":6}],"next_to":null}' "the day: the block trade in the volume and the close, not the VWAP"
expect 0 bars-minute -- "$T" --db "$Q" bars SG24 --interval 1m
has "$D/out" "SG24, 1m bars (Asia/Shanghai):" "minute bars as text"
expect 2 bars-interval -- "$T" --db "$Q" bars SG24 --interval 5m
has "$D/err" "the interval is 1m, 1h or 1d" "a bad interval"
expect 2 bars-none -- "$T" --db "$Q" bars NOPE
expect 0 bars-page -- "$T" --db "$Q" bars SG24 --interval 1m --limit 1 --json
has "$D/out" '"bars":[{"start":"' "a page of one minute bar"
expect 0 bars-before -- "$T" --db "$Q" bars SG24 --to 2000-01-01T00:00:00+08:00 --json
has "$D/out" '"bars":[],"next_to":null}' "no bars before any trade"
expect 0 bars-after -- "$T" --db "$Q" bars SG24 --from 2000-01-01T00:00:00Z
has "$D/out" "SG24, 1d bars (Asia/Shanghai):" "bars from a time"
expect 2 bars-limit -- "$T" --db "$Q" bars SG24 --limit 0
has "$D/err" "bars: --limit is a whole number from 1 to 1000" "a bad --limit"
expect 2 bars-from -- "$T" --db "$Q" bars SG24 --from yesterday
has "$D/err" "bars: --from is an ISO 8601 time with its zone" "a bad --from"
expect 0 bk-log-verify -- "$T" --db "$Q" log verify

# --- the trading calendar: sessions by the clock (TANHUI_NOW), the break, afternoon blocks,
# holidays, a night caught up in order, and the operator's hand over it ---
K="$D/calendar.db"
ex_registry "$K" 丙 丁
at() { when=$1; shift; env TANHUI_NOW="$when" "$T" --db "$K" "$@"; }
expect 0 ca-deposit-1 -- "$T" --db "$K" cash deposit 丙 10000
expect 0 ca-deposit-2 -- "$T" --db "$K" cash deposit 丁 10000
expect 0 ca-show -- "$T" --db "$K" calendar show
has "$D/out" "trading calendar: off (sessions by hand only)" "the calendar starts off"
has "$D/out" "pre-open 09:15, open 09:30, close 15:00, midday break 11:30-13:00" "the national market's hours"
expect 2 ca-bad-time -- at 2026-11-30T00:00:00Z calendar set --open 25:00
has "$D/err" "open '25:00': a time of day is written HH:MM" "a bad time"
expect 2 ca-bad-break -- at 2026-11-30T00:00:00Z calendar set --break 10:00-09:00
has "$D/err" "the break must end after it begins" "a bad break"
expect 2 ca-break-outside -- at 2026-11-30T00:00:00Z calendar set --break 08:00-09:00
has "$D/err" "the midday break must lie between the open and the close" "a break outside the day"
expect 2 ca-bad-days -- at 2026-11-30T00:00:00Z calendar set --days fri-mon
has "$D/err" "written like mon-fri" "bad days"
expect 2 ca-bad-zone -- at 2026-11-30T00:00:00Z calendar set --tz Mars/Olympus
has "$D/err" "no such time zone" "an unknown zone"
expect 2 ca-dst-zone -- at 2026-11-30T00:00:00Z calendar set --tz Europe/Berlin
has "$D/err" "changes its UTC offset during the year" "a zone with summer time is refused"
expect 2 ca-bad-holiday -- at 2026-11-30T00:00:00Z calendar set --holiday 2026-02-30
has "$D/err" "a holiday is a date written YYYY-MM-DD" "a bad holiday"
expect 2 ca-bad-clock -- env TANHUI_NOW=monday "$T" --db "$K" session tick
has "$D/err" "TANHUI_NOW 'monday'" "a bad clock"
expect 0 ca-unchanged -- "$T" --db "$K" calendar show --json
has "$D/out" '"enabled":false,' "refused changes change nothing"
expect 0 ca-zone -- at 2026-11-30T00:00:00Z calendar set --tz Asia/Tokyo --json
has "$D/out" '"tz":"Asia/Tokyo","utc_offset":"+09:00"' "a zone name, kept as its offset"
# Monday 2026-11-30, 08:00 in Shanghai; Tuesday is a holiday
expect 0 ca-on -- at 2026-11-30T00:00:00Z calendar set --on --tz Asia/Shanghai --holiday 2026-12-01 --holiday 2026-12-25 --not-holiday 2026-12-25 --json
has "$D/out" '{"enabled":true,"tz":"Asia/Shanghai","utc_offset":"+08:00","days":"mon-fri","pre_open":"09:15","open":"09:30","close":"15:00","break":"11:30-13:00","holidays":["2026-12-01"]}' "the calendar on, one holiday"
expect 0 ca-instrument -- at 2026-11-30T00:00:00Z instrument add SGC --vintage 2024 --ref-price 58.50 --block-min 5 --json
has "$D/out" '"session":"closed"' "with the calendar on, a new instrument is closed before the pre-open"
expect 2 ca-early -- at 2026-11-30T00:00:00Z order add --account 林场 --instrument SGC --side sell --price 58 --qty 10
has "$D/err" "SGC's session is closed" "no orders before the pre-open"
expect 0 ca-sell-preopen -- at 2026-11-30T01:20:00Z order add --account 林场 --instrument SGC --side sell --price 58 --qty 10
has "$D/out" "filled 0, open" "09:20: the pre-open takes orders (the batch pre-opened first)"
expect 0 ca-buy-preopen -- at 2026-11-30T01:21:00Z order add --account 丙 --instrument SGC --side buy --price 60 --qty 8
has "$D/out" "filled 0, open" "a crossing order rests in the pre-open"
expect 0 ca-list-preopen -- at 2026-11-30T01:22:00Z session list --json
has "$D/out" '"calendar":"on","calendar_phase":"pre_open","sessions":[{"instrument":"SGC","session":"pre_open","by":"calendar"' "the session list"
expect 0 ca-tick-open -- at 2026-11-30T01:31:00Z session tick
has "$D/out" "SGC              open      by calendar" "09:31: tick opens it"
expect 0 ca-auction -- "$T" --db "$K" trades SGC --json
has "$D/out" '"price_fen":5800,"price":"58.00","qty":8,"aggressor":"auction"' "the opening uncrossed the pre-open's orders"
n=$("$T" --db "$K" log size)
expect 0 ca-log -- "$T" --db "$K" log entry $((n - 1))
has "$D/out" '"by":"calendar"' "the calendar's changes are logged as its own"
expect 2 ca-block-morning -- at 2026-11-30T02:00:00Z block propose --seller 林场 --buyer 丁 --instrument SGC --price 60 --qty 5
has "$D/err" "block trades of SGC are made in the afternoon session, 13:00 to 15:00 (Asia/Shanghai)" "no block trades in the morning"
expect 2 ca-break-order -- at 2026-11-30T03:40:00Z order add --account 丁 --instrument SGC --side buy --price 58 --qty 1
has "$D/err" "SGC is in its midday break: orders are taken again from 13:00 (Asia/Shanghai)" "the break refuses orders"
expect 0 ca-break-cancel -- at 2026-11-30T03:41:00Z order cancel 1
has "$D/out" "cancelled" "the break takes cancels"
expect 0 ca-block -- at 2026-11-30T05:30:00Z block propose --seller 林场 --buyer 丁 --instrument SGC --price 60 --qty 5
expect 0 ca-block-accept -- at 2026-11-30T05:31:00Z block accept 1 --buyer 丁
expect 0 ca-sell -- at 2026-11-30T05:40:00Z order add --account 林场 --instrument SGC --side sell --price 59 --qty 4
expect 0 ca-buy -- at 2026-11-30T05:41:00Z order add --account 丁 --instrument SGC --side buy --price 59 --qty 4
has "$D/out" "trade 3: 4 at 59.00" "continuous trading in the afternoon"
expect 0 ca-day -- at 2026-11-30T06:00:00Z order add --account 丙 --instrument SGC --side buy --price 55 --qty 1 --tif day
# Wednesday 09:00, after the Tuesday holiday: the first write closes Monday, nothing more
expect 0 ca-tick-wed -- at 2026-12-02T01:00:00Z session tick --json
has "$D/out" '"calendar_phase":"closed","sessions":[{"instrument":"SGC","session":"closed","by":"calendar"' "Monday's close, made late"
expect 0 ca-ref -- "$T" --db "$K" instrument show SGC --json
has "$D/out" '"ref_price_fen":5900,' "the close's reference is the continuous VWAP (59.00: not the auction, not the block)"
expect 0 ca-expired -- "$T" --db "$K" order show 5 --json
has "$D/out" '"status":"expired"' "the DAY order expired at the close"
expect 0 ca-tick-wed-open -- at 2026-12-02T01:45:00Z session tick
has "$D/out" "SGC              open      by calendar" "Wednesday opens"
# Saturday: closed by the calendar, opened by hand, held by hand until closed by hand
expect 0 ca-tick-sat -- at 2026-12-05T02:00:00Z session tick
has "$D/out" "SGC              closed    by calendar" "Wednesday closed; Saturday does not trade"
expect 0 ca-hand-open -- at 2026-12-05T02:01:00Z session open SGC --json
has "$D/out" '"session":"open","was":"closed","by":"hand"' "opened by hand on a Saturday"
expect 0 ca-hand-order -- at 2026-12-05T02:02:00Z order add --account 丁 --instrument SGC --side buy --price 58 --qty 1
expect 0 ca-hand-tick -- at 2026-12-05T09:00:00Z session tick
has "$D/out" "SGC              open      by hand" "held by hand, whatever the calendar says"
expect 0 ca-hand-close -- at 2026-12-05T09:01:00Z session close SGC
expect 0 ca-hand-list -- at 2026-12-05T09:02:00Z session list
has "$D/out" "SGC              closed    by hand (the calendar from 2026-12-07T01:15:00Z)" "closed by hand: the calendar again from Monday's pre-open"
expect 0 ca-monday -- at 2026-12-07T01:16:00Z session tick
has "$D/out" "SGC              pre_open  by calendar" "Monday: the calendar drives it again"
expect 0 ca-check -- "$T" --db "$K" check
expect 0 ca-log-verify -- "$T" --db "$K" log verify
expect 0 ca-replay -- "$T" --db "$K" log replay --to "$D/calendar-replay.db"
expect 0 ca-off -- at 2026-12-07T01:17:00Z calendar set --off
expect 0 ca-off-instrument -- at 2026-12-07T01:18:00Z instrument add SGD --vintage 2024 --ref-price 58.50 --json
has "$D/out" '"session":"open"' "with the calendar off, a new instrument is open"

# --- one-way auctions (单向竞价): the offer and bids reserved, sealed bids, uniform and pay-as-bid,
# settled by the clock at the end, to the fen and the serial ---
U="$D/auction.db"
ex_registry "$U" 甲 乙
expect 0 au-account-3 -- "$T" --db "$U" account add 丙 --kind company
expect 0 au-instrument -- "$T" --db "$U" instrument add SG --vintage 2024 --ref-price 58.50 --maker-fee-bps 5 --taker-fee-bps 10
for a in 甲 乙 丙; do expect 0 "au-deposit-$a" -- "$T" --db "$U" cash deposit "$a" 10000; done
expect 0 au-deposit-small -- "$T" --db "$U" account add 丁 --kind company
expect 0 au-deposit-small-2 -- "$T" --db "$U" cash deposit 丁 100
au() { when=$1; shift; env TANHUI_NOW="$when" "$T" --db "$U" "$@"; }
# Monday 2026-11-30, 10:00 in Shanghai; the auction ends at 15:00 there
expect 2 au-past -- au 2026-11-30T02:00:00Z auction open --seller 林场 --instrument SG --qty 50 --reserve 55 --until 2026-11-30T09:00+08:00
has "$D/err" "an auction ends after it opens (now 2026-11-30T02:00:00Z), within 31 days" "an end in the past is refused"
expect 2 au-bad-until -- au 2026-11-30T02:00:00Z auction open --seller 林场 --instrument SG --qty 50 --reserve 55 --until tomorrow
has "$D/err" "until 'tomorrow': an auction's end is a time with its zone" "a bad end"
expect 2 au-no-zone -- au 2026-11-30T02:00:00Z auction open --seller 林场 --instrument SG --qty 50 --reserve 55 --until 2026-11-30T15:00
has "$D/err" "an auction's end is a time with its zone" "an end without its zone is refused"
expect 2 au-pricing -- au 2026-11-30T02:00:00Z auction open --seller 林场 --instrument SG --qty 50 --reserve 55 --until 2026-11-30T15:00+08:00 --pricing dutch
has "$D/err" "an auction's pricing is uniform or pay-as-bid" "a bad pricing"
expect 2 au-short -- au 2026-11-30T02:00:00Z auction open --seller 林场 --instrument SG --qty 156 --reserve 55 --until 2026-11-30T15:00+08:00
has "$D/err" "insufficient credits: 林场 holds 155 available credits of vintage 2024, not 156" "an offer of more than the seller holds"
expect 2 au-buffer -- au 2026-11-30T02:00:00Z auction open --seller buffer --instrument SG --qty 5 --reserve 55 --until 2026-11-30T15:00+08:00
expect 0 au-none -- "$T" --db "$U" auction list
has "$D/out" "no auctions" "refused auctions leave nothing"
expect 0 au-open -- au 2026-11-30T02:00:00Z auction open --seller 林场 --instrument SG --qty 50 --reserve 55 --until 2026-11-30T15:00+08:00 --json
has "$D/out" '"id":1,"instrument":"SG","seller":2,"offer_order":1,"qty":50,"reserve_fen":5500,"reserve":"55.00","pricing":"uniform","ends_at":"2026-11-30T07:00:00Z","status":"open","sold":0,"clearing_fen":null' "an auction open"
expect 0 au-offer -- "$T" --db "$U" order show 1 --json
has "$D/out" '"side":"sell","type":"limit","tif":"gtc","price_fen":5500,"price":"55.00","qty":50,"filled":0,"remaining":50,"status":"open","reserved_fen":0,"auction":1,' "the offer is an order of the auction"
expect 0 au-holdings -- "$T" --db "$U" holdings 林场
has "$D/out" "155 credits: 105 available, 50 reserved" "the offer reserves the seller's credits"
expect 0 au-bid-1 -- au 2026-11-30T02:10:00Z auction bid 1 --account 甲 --price 60 --qty 20
has "$D/out" "order 2: SG buy 20 at 60.00 (limit gtc), filled 0, open, reserves 1201.20 CNY" "a bid reserves its price and the largest fee"
expect 0 au-bid-2 -- au 2026-11-30T02:11:00Z auction bid 1 --account 乙 --price 57 --qty 40
expect 0 au-bid-3 -- au 2026-11-30T02:12:00Z auction bid 1 --account 丙 --price 56 --qty 10
expect 2 au-bid-low -- au 2026-11-30T02:13:00Z auction bid 1 --account 丙 --price 54.99 --qty 10
has "$D/err" "price '54.99': a bid is at or above the reserve price, 55.00 CNY" "a bid below the reserve"
expect 2 au-bid-big -- au 2026-11-30T02:13:00Z auction bid 1 --account 丙 --price 56 --qty 51
has "$D/err" "a bid is for 1 to 50 credits (the offer)" "a bid for more than the offer"
expect 2 au-bid-seller -- au 2026-11-30T02:13:00Z auction bid 1 --account 林场 --price 56 --qty 1
has "$D/err" "the seller does not bid in its own auction" "the seller does not bid"
expect 2 au-bid-cash -- au 2026-11-30T02:13:00Z auction bid 1 --account 丁 --price 56 --qty 2
has "$D/err" "insufficient cash" "a bid the bidder cannot pay"
expect 2 au-cancel -- au 2026-11-30T02:14:00Z order cancel 2
has "$D/err" "order 2 is the bid of one-way auction 1: it cannot be cancelled" "bids stand"
expect 2 au-settle-early -- au 2026-11-30T02:15:00Z auction settle 1
has "$D/err" "auction 1 runs until 2026-11-30T07:00:00Z: it is settled at its end" "no settlement before the end"
expect 0 au-sealed -- "$T" --db "$U" auction show 1 --json
has "$D/out" '"status":"open","sold":0,"clearing_fen":null,"created_at":"2026-11-30T02:00:00Z","settled_at":null,"bid_count":3,"bid_qty":70}' "bids are sealed while it runs"
expect 0 au-book -- "$T" --db "$U" book SG --json
has "$D/out" '"bids":[],"asks":[]' "the offer and the bids are not in the book"
expect 0 au-check-open -- "$T" --db "$U" check
# 15:00:01: the first write after the end settles it, then a late bid is refused
expect 2 au-bid-late -- au 2026-11-30T07:00:01Z auction bid 1 --account 丙 --price 70 --qty 5
has "$D/err" "auction 1 ended at 2026-11-30T07:00:00Z: it takes no more bids" "a bid after the end"
expect 0 au-settled -- "$T" --db "$U" auction show 1
has "$D/out" "settled: 50 sold, lowest accepted bid 57.00" "uniform: all pay the lowest accepted bid"
has "$D/out" "bid (order 2) of account 4: 20 at 60.00, awarded 20" "the best bid first"
has "$D/out" "bid (order 3) of account 5: 40 at 57.00, awarded 30" "the last winner in part"
has "$D/out" "bid (order 4) of account 6: 10 at 56.00, awarded 0" "the lowest bid wins nothing"
expect 0 au-trades -- "$T" --db "$U" trades SG --json
has "$D/out" '"price_fen":5700,"price":"57.00","qty":30,"aggressor":"auction","buyer_fee_fen":86,"seller_fee_fen":86' "an award: both pay the maker's fee (5 bps of 1710.00, rounded up)"
has "$D/out" '"price_fen":5700,"price":"57.00","qty":20,"aggressor":"auction","buyer_fee_fen":57,"seller_fee_fen":57' "the other award"
expect 0 au-cash-1 -- "$T" --db "$U" cash balance 甲 --json
has "$D/out" '"balance_fen":885943,"available_fen":885943,"reserved_fen":0' "甲 paid 20 x 57.00 + 0.57, the rest of its reservation back"
expect 0 au-cash-2 -- "$T" --db "$U" cash balance 乙 --json
has "$D/out" '"balance_fen":828914,"available_fen":828914,"reserved_fen":0' "乙 paid 30 x 57.00 + 0.86"
expect 0 au-cash-3 -- "$T" --db "$U" cash balance 丙 --json
has "$D/out" '"balance_fen":1000000,"available_fen":1000000,"reserved_fen":0' "丙's losing bid is given back whole"
expect 0 au-cash-seller -- "$T" --db "$U" cash balance 林场 --json
has "$D/out" '"balance_fen":284857,' "the seller received 2850.00 less 1.43 of fees"
expect 0 au-holdings-after -- "$T" --db "$U" holdings 林场
has "$D/out" "105 credits: 105 available, 0 reserved" "the offer's credits delivered"
expect 0 au-holdings-1 -- "$T" --db "$U" holdings 甲
has "$D/out" "SGFC-P0001-2024-000000001-000000020  20  available" "the best bid gets the lowest serials"
expect 0 au-holdings-2 -- "$T" --db "$U" holdings 乙
has "$D/out" "SGFC-P0001-2024-000000021-000000050  30  available" "the next bid the next serials"
# pay-as-bid, part unsold, and one with no bids at all: everything given back
expect 0 au-open-2 -- au 2026-12-01T02:00:00Z auction open --seller 林场 --instrument SG --qty 40 --reserve 50 --until 2026-12-01T03:00:00Z --pricing pay-as-bid
expect 0 au-open-3 -- au 2026-12-01T02:00:00Z auction open --seller 林场 --instrument SG --qty 10 --reserve 50 --until 2026-12-01T03:00:00Z
expect 0 au2-bid-1 -- au 2026-12-01T02:10:00Z auction bid 2 --account 甲 --price 52.5 --qty 10
expect 0 au2-bid-2 -- au 2026-12-01T02:11:00Z auction bid 2 --account 乙 --price 51 --qty 15
expect 0 au2-tick -- au 2026-12-01T03:00:00Z session tick
expect 0 au2-show -- "$T" --db "$U" auction show 2
has "$D/out" "pay-as-bid, until 2026-12-01T03:00:00Z, settled: 25 sold, lowest accepted bid 51.00" "pay-as-bid, 15 unsold"
expect 0 au2-trades -- "$T" --db "$U" trades SG --json
has "$D/out" '"price_fen":5250,"price":"52.50","qty":10,"aggressor":"auction"' "pay-as-bid: each pays its own bid"
has "$D/out" '"price_fen":5100,"price":"51.00","qty":15,"aggressor":"auction"' "and the other its own"
expect 0 au3-show -- "$T" --db "$U" auction show 3 --json
has "$D/out" '"status":"settled","sold":0,"clearing_fen":null' "no bids: nothing sold"
expect 0 au-holdings-end -- "$T" --db "$U" holdings 林场
has "$D/out" "80 credits: 80 available, 0 reserved" "what did not sell is the seller's again"
expect 0 au-list -- "$T" --db "$U" auction list --json
has "$D/out" '{"auctions":[{"id":3,' "the list, newest first"
expect 0 au-check -- "$T" --db "$U" check
expect 0 au-log-verify -- "$T" --db "$U" log verify
has "$D/out" "replaying the entries gives this registry" "the auctions replay from the log"
if command -v sqlite3 >/dev/null 2>&1; then
    cp "$U" "$D/auction-tampered.db"
    sqlite3 "$D/auction-tampered.db" "UPDATE auctions SET sold = sold - 1 WHERE id = 1"
    expect 1 au-tampered -- "$T" --db "$D/auction-tampered.db" check
    has "$D/err" "a one-way auction's offer is not the order it reserves its credits with" "check finds an auction's sale rewritten"
fi

# --- tanhui serve: the public JSON API, the only writer while it runs, the clock's changes made
# by its writer, a clean shutdown ---
if command -v curl >/dev/null 2>&1; then
    W="$D/serve.db"
    cp "$U" "$W"
    until=$(date -u -d "+4 seconds" +%Y-%m-%dT%H:%M:%SZ)
    expect 0 sv-auction -- "$T" --db "$W" auction open --seller 林场 --instrument SG --qty 5 --reserve 50 --until "$until"
    expect 0 sv-bid -- "$T" --db "$W" auction bid 4 --account 甲 --price 51 --qty 5
    # users and tokens: the API's credentials
    expect 0 sv-user -- "$T" --db "$W" user add yi --account 乙 --role holder
    has "$D/out" "password (shown once): " "a generated password, shown once"
    printf 'a long enough password\n' >"$D/pw"
    expect 0 sv-user-2 -- sh -c "\"$T\" --db \"$W\" user add lin --account 林场 --role owner --password-stdin --json <\"$D/pw\""
    has "$D/out" '{"id":2,"name":"lin"}' "a user with its own password"
    expect 2 sv-user-role -- "$T" --db "$W" user add x --account 乙 --role king
    has "$D/err" "a role is holder, owner, verifier or operator" "a bad role"
    expect 2 sv-user-twice -- "$T" --db "$W" user add yi --account 乙 --role holder
    has "$D/err" "a user of this name exists" "a name taken"
    printf 'short\n' >"$D/pw"
    expect 2 sv-user-short -- sh -c "\"$T\" --db \"$W\" user add z --account 乙 --role holder --password-stdin <\"$D/pw\""
    has "$D/err" "a password is at least 12 characters" "a short password"
    expect 0 sv-token -- "$T" --db "$W" token create yi --json
    TY=$(sed 's/.*"token":"\([^"]*\)".*/\1/' "$D/out")
    expect 0 sv-token-2 -- "$T" --db "$W" token create lin --json
    TL=$(sed 's/.*"token":"\([^"]*\)".*/\1/' "$D/out")
    expect 0 sv-token-3 -- "$T" --db "$W" token create lin
    TR=$(sed 's/.*(shown once): //' "$D/out")
    has "$D/out" "token 3 (shown once): th_" "a token, shown once"
    expect 0 sv-token-revoke -- "$T" --db "$W" token revoke 3
    expect 2 sv-token-revoke-twice -- "$T" --db "$W" token revoke 3
    has "$D/err" "no token has the id 3, or it is revoked already" "a token is revoked once"
    expect 0 sv-op -- "$T" --db "$W" user add op --account V --role operator
    expect 0 sv-op-token -- "$T" --db "$W" token create op --json
    TO=$(sed 's/.*"token":"\([^"]*\)".*/\1/' "$D/out")
    expect 0 sv-ver -- "$T" --db "$W" user add ver --account V --role verifier
    expect 0 sv-ver-token -- "$T" --db "$W" token create ver --json
    TV=$(sed 's/.*"token":"\([^"]*\)".*/\1/' "$D/out")
    expect 0 sv-project -- "$T" --db "$W" project add --name P2 --owner 林场
    expect 0 sv-report -- "$T" --db "$W" report add P2 --before "$SB" --after "$SA"
    expect 0 sv-users -- "$T" --db "$W" user list
    has "$D/out" "user 2: lin, account 2, owner, 1 tokens" "the users, with their live tokens"
    "$T" --db "$W" serve --listen 127.0.0.1:0 --threads 2 >"$D/serve.out" 2>"$D/serve.err" &
    SP=$!
    for _ in $(seq 100); do grep -q listening "$D/serve.out" && break; sleep 0.1; done
    URL=$(sed -n 's/^listening on //p' "$D/serve.out")
    has "$D/serve.out" "listening on http://127.0.0.1:" "serve prints its address"
    get() { # NAME PATH STATUS
        code=$(curl -s -o "$D/out" -w '%{http_code}' "$URL$2")
        if [ "$code" = "$3" ]; then ok; else bad "$1: HTTP $code, expected $3"; head -3 "$D/out"; fi
    }
    same() { # NAME: the API's answer is the command's, byte for byte (less its newline)
        printf '%s' "$(cat "$D/cli.out")" >"$D/cli.trim"
        if cmp -s "$D/out" "$D/cli.trim"; then ok; else bad "$1: the API and the command differ"; diff "$D/out" "$D/cli.trim" | head -4; fi
    }
    get sv-supply /api/v1/supply 200
    "$T" --db "$W" supply --json >"$D/cli.out"
    same "GET /api/v1/supply is tanhui supply --json"
    get sv-proof /api/v1/log/proof/3 200
    "$T" --db "$W" log prove 3 --json >"$D/cli.out"
    same "GET /api/v1/log/proof/3 is tanhui log prove 3 --json"
    # the writer signs what a sync has covered in the batch after it (a batch of no command when
    # none comes): between the two reads a checkpoint may be signed, so they are read again
    get sv-checkpoint /api/v1/log/checkpoint 200
    for _ in $(seq 20); do
        "$T" --db "$W" log checkpoint >"$D/cli.out"
        cmp -s "$D/out" "$D/cli.out" && break
        sleep 0.05
        curl -s -o "$D/out" "$URL/api/v1/log/checkpoint"
    done
    if cmp -s "$D/out" "$D/cli.out"; then ok; else bad "GET /api/v1/log/checkpoint is tanhui log checkpoint"; fi
    curl -s -D "$D/headers" -o /dev/null "$URL/api/v1/log/checkpoint"
    has "$D/headers" "Content-Type: text/plain" "the checkpoint is text/plain"
    # the checkpoints listed, and kept to a time range: all are signed after 2000 and before 2100
    get sv-checkpoints '/api/v1/log/checkpoints?from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00%2B08:00' 200
    has "$D/out" '{"checkpoints":[{"size":' "the checkpoints signed in a range"
    get sv-checkpoints-none '/api/v1/log/checkpoints?to=2000-01-01T00:00:00Z' 200
    has "$D/out" '{"checkpoints":[],"next_cursor":null}' "no checkpoint signed before 2000"
    get sv-checkpoints-bad '/api/v1/log/checkpoints?from=yesterday' 400
    has "$D/out" '"field":"from"' "a time that is not ISO 8601 is refused"
    get sv-entry /api/v1/log/entries/0 200
    "$T" --db "$W" log entry 0 >"$D/cli.out"
    if cmp -s "$D/out" "$D/cli.out"; then ok; else bad "an entry's bytes exactly"; fi
    get sv-book /api/v1/instruments/SG/book 200
    has "$D/out" '{"instrument":"SG","ref_price_fen":5850' "the book"
    get sv-utf8 "/api/v1/instruments/%E7%A2%B3/book" 404
    has "$D/out" '{"error":{"code":"not_found","message":"instrument '"'"'碳'"'"': no instrument has this code","field":"instrument"}}' "an unknown instrument, named in UTF-8, is a 404 with a JSON error"
    get sv-bad-index /api/v1/log/proof/x 400
    has "$D/out" '"code":"invalid"' "a bad index is a 400"
    get sv-size /api/v1/log/size 200
    has "$D/out" '{"size":' "the log's size"
    # the tape in pages: following next_cursor gives every trade once, newest first
    get sv-tape /api/v1/trades?limit=1000 200
    grep -o '"id":[0-9]*' "$D/out" >"$D/ids.all"
    : >"$D/ids.paged"
    cursor=""
    for _ in $(seq 50); do
        curl -s -o "$D/out" "$URL/api/v1/trades?limit=2$cursor"
        grep -o '"id":[0-9]*' "$D/out" >>"$D/ids.paged"
        next=$(sed -n 's/.*"next_cursor":\([0-9]*\)}$/\1/p' "$D/out")
        [ -n "$next" ] || break
        cursor="&cursor=$next"
    done
    if [ -s "$D/ids.all" ] && cmp -s "$D/ids.all" "$D/ids.paged"; then ok; else bad "pages of the tape differ from the whole"; fi
    has "$D/out" '"next_cursor":null' "the last page says so"
    # filters: by account (bought or sold), instrument, and ISO 8601 times with their zone
    get sv-tape-acct "/api/v1/trades?account=5&limit=1000" 200
    n_all=$(grep -o '"id":[0-9]*,"instrument"' "$D/out" | wc -l)
    n_acct=$(grep -o '"buyer":5,\|"seller":5,' "$D/out" | wc -l)
    if [ "$n_all" -ge 1 ] && [ "$n_all" = "$n_acct" ]; then ok; else bad "?account=5: $n_all trades, $n_acct of account 5"; fi
    get sv-tape-future "/api/v1/trades?from=2999-01-01T00:00:00%2B08:00" 200
    has "$D/out" '{"trades":[],"next_cursor":null}' "nothing traded after a time to come"
    get sv-tape-past "/api/v1/trades?to=2000-01-01T00:00:00Z&instrument=SG" 200
    has "$D/out" '{"trades":[],' "nothing traded before 2000"
    get sv-tape-since "/api/v1/trades?from=2000-01-01T08:00:00%2B08:00&limit=1000" 200
    if [ "$(grep -o '"id":[0-9]*,"instrument"' "$D/out" | wc -l)" = "$(wc -l <"$D/ids.all")" ]; then ok; else bad "?from= in the past keeps every trade"; fi
    get sv-tape-badtime "/api/v1/trades?from=yesterday" 400
    has "$D/out" '"field":"from"' "a bad time names its field"
    get sv-tape-noacct "/api/v1/trades?account=nobody" 404
    get sv-bars "/api/v1/instruments/SG/bars?interval=1m&limit=1" 200
    has "$D/out" '"interval":"1m",' "bars through the API"
    get sv-bars-to "/api/v1/instruments/SG/bars?to=2000-01-01T00:00:00Z" 200
    has "$D/out" '"bars":[],"next_to":null}' "no bars before any trade, through the API"
    get sv-bars-badtime "/api/v1/instruments/SG/bars?from=yesterday" 400
    has "$D/out" '"field":"from"' "a bad time for bars names its field"
    get sv-bars-limit "/api/v1/instruments/SG/bars?limit=1001" 400
    get sv-limit "/api/v1/trades?limit=0" 400
    has "$D/out" '"field":"limit"' "a bad limit"
    get sv-none /api/v1/nothing 404
    has "$D/out" '"code":"not_found"' "an unknown path"
    code=$(curl -s -o "$D/out" -w '%{http_code}' -X POST "$URL/api/v1/supply")
    if [ "$code" = 405 ]; then ok; else bad "POST on a read: HTTP $code"; fi
    has "$D/out" "allowed: GET" "405 names the methods"
    curl -s -D "$D/headers" -o /dev/null -X DELETE "$URL/api/v1/supply"
    has "$D/headers" "Allow: GET" "405 with an Allow header"
    get sv-openapi /api/v1/openapi.json 200
    has "$D/out" '"openapi":"3.1.0"' "the OpenAPI document"
    has "$D/out" '"/api/v1/log/proof/{index}":{"get":' "it lists the routes"
    # a user reads its own account, and places and cancels its own orders
    auth() { printf 'Authorization: Bearer %s' "$1"; }
    code=$(curl -s -o "$D/out" -w '%{http_code}' "$URL/api/v1/accounts/乙/cash")
    if [ "$code" = 401 ]; then ok; else bad "an account's cash without a token: HTTP $code"; fi
    code=$(curl -s -o "$D/out" -w '%{http_code}' -H "$(auth "$TY")" "$URL/api/v1/accounts/5/cash")
    if [ "$code" = 200 ]; then ok; else bad "its own cash: HTTP $code"; fi
    has "$D/out" '"account":5,"name":"乙"' "a holder reads its own cash"
    code=$(curl -s -o "$D/out" -w '%{http_code}' -H "$(auth "$TY")" "$URL/api/v1/accounts/4/holdings")
    if [ "$code" = 403 ]; then ok; else bad "another's holdings: HTTP $code"; fi
    has "$D/out" '"code":"forbidden","message":"user yi acts for account 5, not for 4"' "a user acts for its own account only"
    code=$(curl -s -o "$D/out" -w '%{http_code}' -H "$(auth "$TR")" "$URL/api/v1/supply")
    if [ "$code" = 401 ]; then ok; else bad "a revoked token: HTTP $code"; fi
    has "$D/out" "the bearer token is unknown or revoked" "a revoked token is refused"
    code=$(curl -s -o "$D/out" -w '%{http_code}' -H "$(auth "$TL")" "$URL/api/v1/accounts/2/payouts")
    if [ "$code" = 200 ]; then ok; else bad "the other token still works: HTTP $code"; fi
    # tokens and users through the API while it serves: a token made, used, listed, revoked and
    # refused at once by every request thread (each one's cache of tokens warmed first)
    code=$(curl -s -o "$D/out" -w '%{http_code}' -H "$(auth "$TY")" -H 'Content-Type: application/json' -X POST --data '{}' "$URL/api/v1/tokens")
    if [ "$code" = 201 ]; then ok; else bad "POST /api/v1/tokens: HTTP $code"; fi
    TN=$(sed 's/.*"token":"\([^"]*\)".*/\1/' "$D/out")
    NID=$(sed 's/^{"id":\([0-9]*\),.*/\1/' "$D/out")
    for i in 1 2 3 4; do curl -s -o "$D/out" -w '%{http_code}\n' -H "$(auth "$TN")" "$URL/api/v1/me"; done >"$D/codes"
    if [ "$(sort -u "$D/codes")" = 200 ]; then ok; else bad "the new token: $(tr '\n' ' ' <"$D/codes")"; fi
    has "$D/out" '"name":"yi"' "a token made through the API is its user's"
    curl -s -o "$D/out" -H "$(auth "$TN")" "$URL/api/v1/tokens"
    has "$D/out" "{\"id\":$NID,\"kind\":\"api\"," "a user lists its tokens"
    code=$(curl -s -o "$D/out" -w '%{http_code}' -H "$(auth "$TL")" -X DELETE "$URL/api/v1/tokens/$NID")
    if [ "$code" = 404 ]; then ok; else bad "another user's token: HTTP $code"; fi
    code=$(curl -s -o "$D/out" -w '%{http_code}' -H "$(auth "$TY")" -X DELETE "$URL/api/v1/tokens/$NID")
    if [ "$code" = 200 ]; then ok; else bad "DELETE /api/v1/tokens/$NID: HTTP $code"; fi
    for i in 1 2 3 4; do curl -s -o "$D/out" -w '%{http_code}\n' -H "$(auth "$TN")" "$URL/api/v1/me"; done >"$D/codes"
    if [ "$(sort -u "$D/codes")" = 401 ]; then ok; else bad "a token revoked while serving: $(tr '\n' ' ' <"$D/codes")"; fi
    expect 2 sv-cli-revoke -- "$T" --db "$W" token revoke "$NID"
    has "$D/err" "DELETE /api/v1/tokens/ID" "token revoke while serving names the route"
    code=$(curl -s -o "$D/out" -w '%{http_code}' -H "$(auth "$TO")" -H 'Content-Type: application/json' -X POST --data '{"name":"bing","account":"乙","role":"holder","password":"a long enough password"}' "$URL/api/v1/users")
    if [ "$code" = 201 ]; then ok; else bad "POST /api/v1/users: HTTP $code"; head -2 "$D/out"; fi
    code=$(curl -s -o "$D/out" -w '%{http_code}' -H 'Content-Type: application/json' -X POST --data '{"name":"bing","password":"a long enough password"}' "$URL/api/v1/login")
    if [ "$code" = 200 ]; then ok; else bad "a user added through the API logs in: HTTP $code"; fi
    code=$(curl -s -o "$D/out" -w '%{http_code}' -H "$(auth "$TY")" -H 'Content-Type: application/json' -X POST --data '{"name":"bing2","account":"乙","role":"operator"}' "$URL/api/v1/users")
    if [ "$code" = 403 ]; then ok; else bad "a holder adds a user: HTTP $code"; fi
    # the stream (Server-Sent Events): subscribed before the orders below
    curl -sN --max-time 30 "$URL/api/v1/stream?instrument=SG" >"$D/stream" 2>/dev/null &
    CP=$!
    get sv-stream-unknown "/api/v1/stream?instrument=NONE" 404
    code=$(curl -s -o "$D/out" -w '%{http_code}' -H 'Last-Event-ID: -1' "$URL/api/v1/stream")
    if [ "$code" = 400 ]; then ok; else bad "a bad Last-Event-ID: HTTP $code"; fi
    for _ in $(seq 50); do grep -q "tanhui stream" "$D/stream" && break; sleep 0.1; done
    post() { # TOKEN KEY BODY
        curl -s -o "$D/out" -w '%{http_code}' -H "$(auth "$1")" -H "Idempotency-Key: $2" -H 'Content-Type: application/json' -X POST --data "$3" "$URL/api/v1/orders"
    }
    code=$(post "$TL" s1 '{"account":2,"instrument":"SG","side":"sell","type":"limit","price":"59.00","qty":7,"tif":"gtc"}')
    if [ "$code" = 201 ]; then ok; else bad "POST /api/v1/orders: HTTP $code"; head -2 "$D/out"; fi
    has "$D/out" '"account":2,"side":"sell","type":"limit","tif":"gtc","price_fen":5900,"price":"59.00","qty":7,"filled":0,"remaining":7,"status":"open"' "an order placed through the API"
    SELL=$(sed 's/^{"id":\([0-9]*\),.*/\1/' "$D/out")
    code=$(post "$TY" b1 '{"account":5,"instrument":"SG","side":"buy","price":"59.50","qty":3}')
    if [ "$code" = 201 ]; then ok; else bad "a crossing buy: HTTP $code"; fi
    has "$D/out" '"filled":3,"remaining":0,"status":"filled"' "it trades at once, delivery versus payment"
    cp "$D/out" "$D/first"
    for _ in $(seq 50); do grep -q "^event: checkpoint" "$D/stream" && break; sleep 0.1; done
    has "$D/stream" "retry: 2000" "the stream tells how soon to come back"
    has "$D/stream" '"instrument":"SG","buy_order":' "the stream: the trade"
    has "$D/stream" '"price":"59.00","qty":3,"aggressor":"buy"' "at the resting sell's price"
    has "$D/stream" 'event: book' "the stream: the book after the orders"
    has "$D/stream" 'data: {"size":' "the stream: the checkpoint"
    first=$(sed -n 's/^id: //p' "$D/stream" | head -1)
    curl -sN --max-time 1 -H "Last-Event-ID: $first" "$URL/api/v1/stream?instrument=SG" >"$D/stream2" 2>/dev/null
    if ! grep -q "^id: $first\$" "$D/stream2" && grep -q "^id: $((first + 1))\$" "$D/stream2"; then ok; else bad "a stream resumed after Last-Event-ID $first"; fi
    code=$(post "$TY" b1 '{"account":5,"instrument":"SG","side":"buy","price":"59.50","qty":3}')
    if [ "$code" = 201 ] && cmp -s "$D/out" "$D/first"; then ok; else bad "the same Idempotency-Key and body: the first answer again ($code)"; fi
    code=$(post "$TY" b1 '{"account":5,"instrument":"SG","side":"buy","price":"59.50","qty":4}')
    if [ "$code" = 409 ]; then ok; else bad "the same key, another body: HTTP $code"; fi
    code=$(post "$TY" b2 '{"account":5,"instrument":"SG","side":"buy","price":"99.00","qty":1}')
    if [ "$code" = 400 ]; then ok; else bad "a price outside the band: HTTP $code"; fi
    has "$D/out" '"field":"price"' "the band's refusal names the field"
    code=$(post "$TY" b3 '{"account":5,"instrument":"SG","side":"buy","price":59,"qty":1}')
    if [ "$code" = 400 ]; then ok; else bad "a number for a price: HTTP $code"; fi
    code=$(post "$TY" b4 '{"account":2,"instrument":"SG","side":"buy","price":"59.00","qty":1}')
    if [ "$code" = 403 ]; then ok; else bad "an order for another's account: HTTP $code"; fi
    code=$(curl -s -o "$D/out" -w '%{http_code}' -H "$(auth "$TY")" -X DELETE "$URL/api/v1/orders/$SELL")
    if [ "$code" = 403 ]; then ok; else bad "cancelling another's order: HTTP $code"; fi
    code=$(curl -s -o "$D/out" -w '%{http_code}' -H "$(auth "$TL")" -X DELETE "$URL/api/v1/orders/$SELL")
    if [ "$code" = 200 ]; then ok; else bad "cancelling its own order: HTTP $code"; fi
    has "$D/out" '"filled":3,"remaining":0,"status":"cancelled"' "the rest of the sell cancelled"
    code=$(curl -s -o "$D/out" -w '%{http_code}' -H "$(auth "$TL")" "$URL/api/v1/accounts/2/orders?status=cancelled&instrument=SG")
    if [ "$code" = 200 ]; then ok; else bad "an account's cancelled orders: HTTP $code"; fi
    has "$D/out" "{\"id\":$SELL," "the cancelled sell is there"
    if grep -q '"status":"open"' "$D/out"; then bad "?status=cancelled lists an open order"; else ok; fi
    code=$(curl -s -o "$D/out" -w '%{http_code}' -H "$(auth "$TL")" "$URL/api/v1/accounts/2/orders?status=lost")
    if [ "$code" = 400 ]; then ok; else bad "a bad status filter: HTTP $code"; fi
    expect 0 sv-cli-cash -- "$T" --db "$W" cash balance 乙 --json
    has "$D/out" '"reserved_fen":0' "nothing left reserved"
    # order entry holds no request thread while its batch commits: 12 orders at once over the
    # server's 2 threads, then their 12 cancels at once; each answered, nothing left reserved
    pids=""
    for i in $(seq 12); do
        curl -s -o "$D/burst-body.$i" -w '%{http_code}' -H "$(auth "$TY")" -H 'Content-Type: application/json' -X POST --data '{"account":5,"instrument":"SG","side":"buy","price":"53.00","qty":1}' "$URL/api/v1/orders" >"$D/burst-code.$i" &
        pids="$pids $!"
    done
    wait $pids
    n=$(cat "$D"/burst-code.* | grep -o 201 | wc -l)
    if [ "$n" = 12 ]; then ok; else bad "12 orders at once over 2 threads: $n answered 201"; fi
    sed -n 's/^{"id":\([0-9]*\),.*"status":"open".*/\1/p' "$D"/burst-body.* | sort -u >"$D/burst-ids"
    if [ "$(wc -l <"$D/burst-ids")" = 12 ]; then ok; else bad "12 open orders, each its own id"; fi
    pids=""
    for id in $(cat "$D/burst-ids"); do
        curl -s -o "$D/burst-body.$id" -w '%{http_code}' -H "$(auth "$TY")" -X DELETE "$URL/api/v1/orders/$id" >"$D/burst-code.$id" &
        pids="$pids $!"
    done
    wait $pids
    n=$(for id in $(cat "$D/burst-ids"); do cat "$D/burst-code.$id"; echo; done | grep -c '^200$')
    if [ "$n" = 12 ]; then ok; else bad "12 cancels at once: $n answered 200"; fi
    expect 0 sv-cli-cash-burst -- "$T" --db "$W" cash balance 乙 --json
    has "$D/out" '"reserved_fen":0' "the cancels gave back every reservation"
    # the other writes: each for the user's own account, or the operator's
    send() { # METHOD PATH TOKEN BODY
        curl -s -o "$D/out" -w '%{http_code}' -H "$(auth "$3")" -X "$1" --data "$4" "$URL$2"
    }
    code=$(send POST /api/v1/transfers "$TY" '{"from":"乙","to":"甲","qty":2}')
    if [ "$code" = 201 ]; then ok; else bad "POST /api/v1/transfers: HTTP $code"; head -2 "$D/out"; fi
    has "$D/out" '"type":"transfer"' "a transfer through the API"
    has "$D/out" '"quantity":2' "of the quantity asked"
    code=$(send POST /api/v1/retirements "$TY" '{"from":5,"qty":1,"beneficiary":"乙公司 2026 年度排放","reason":"自愿抵消"}')
    if [ "$code" = 201 ]; then ok; else bad "POST /api/v1/retirements: HTTP $code"; head -2 "$D/out"; fi
    has "$D/out" '"type":"retirement"' "a retirement through the API"
    get sv-retirements "/api/v1/retirements?account=5&limit=1" 200
    has "$D/out" '"beneficiary":"乙公司 2026 年度排放"' "the public list of retirements, as certificates"
    get sv-retirements-v "/api/v1/retirements?vintage=1999" 200
    has "$D/out" '{"retirements":[],"next_cursor":null}' "none of vintage 1999"
    get sv-retirements-p "/api/v1/retirements?project=P1&vintage=2024&limit=1000" 200
    if grep -q '"beneficiary":"乙公司 2026 年度排放"' "$D/out"; then ok; else bad "?project=P1&vintage=2024 keeps the retirement"; fi
    get sv-retirements-bad "/api/v1/retirements?vintage=24" 400
    code=$(send POST /api/v1/retirements "$TY" '{"from":4,"qty":1,"beneficiary":"x","reason":"y"}')
    if [ "$code" = 403 ]; then ok; else bad "retiring another's credits: HTTP $code"; fi
    code=$(send POST /api/v1/cash/deposits "$TY" '{"account":5,"amount":"10.00"}')
    if [ "$code" = 403 ]; then ok; else bad "a holder records a deposit: HTTP $code"; fi
    has "$D/out" "cash is for a user whose role is operator, not holder" "deposits are the operator's"
    code=$(send POST /api/v1/cash/deposits "$TO" '{"account":5,"amount":"10.05","reference":"BANK-7"}')
    if [ "$code" = 201 ]; then ok; else bad "the operator's deposit: HTTP $code"; head -2 "$D/out"; fi
    has "$D/out" '"type":"deposit","amount_fen":1005,' "a deposit to the fen"
    code=$(send POST /api/v1/cash/deposits "$TO" '{"account":5,"amount":10}')
    if [ "$code" = 400 ]; then ok; else bad "an amount as a number: HTTP $code"; fi
    has "$D/out" '"field":"amount"' "the refusal names the field"
    # no write holds a request thread while its batch commits: 12 deposits and 12 transfers at
    # once over the server's 2 threads, each set aside (its command copied whole) and answered
    expect 0 sv-burst-before -- "$T" --db "$W" cash balance 乙 --json
    before=$(sed -n 's/.*"balance_fen":\([0-9]*\).*/\1/p' "$D/out")
    pids=""
    for i in $(seq 12); do
        curl -s -o /dev/null -w '%{http_code}' -H "$(auth "$TO")" -X POST --data "{\"account\":5,\"amount\":\"0.0$((i % 9 + 1))\",\"reference\":\"BURST-$i\"}" "$URL/api/v1/cash/deposits" >"$D/wburst-d.$i" &
        pids="$pids $!"
        curl -s -o /dev/null -w '%{http_code}' -H "$(auth "$TY")" -X POST --data '{"from":"乙","to":"甲","qty":1}' "$URL/api/v1/transfers" >"$D/wburst-t.$i" &
        pids="$pids $!"
    done
    wait $pids
    n=$(cat "$D"/wburst-d.* "$D"/wburst-t.* | grep -o 201 | wc -l)
    if [ "$n" = 24 ]; then ok; else bad "12 deposits and 12 transfers at once over 2 threads: $n answered 201"; fi
    expect 0 sv-burst-after -- "$T" --db "$W" cash balance 乙 --json
    after=$(sed -n 's/.*"balance_fen":\([0-9]*\).*/\1/p' "$D/out")
    want=0
    for i in $(seq 12); do want=$((want + i % 9 + 1)); done
    if [ $((after - before)) = "$want" ]; then ok; else bad "the burst's deposits: $((after - before)) fen, not $want"; fi
    code=$(send POST /api/v1/instruments/SG/session "$TO" '{"to":"sideways"}')
    if [ "$code" = 400 ]; then ok; else bad "a bad session change: HTTP $code"; fi
    code=$(send POST /api/v1/instruments/SG/session "$TY" '{"to":"close"}')
    if [ "$code" = 403 ]; then ok; else bad "a holder closes a session: HTTP $code"; fi
    code=$(send POST /api/v1/orders "$TL" '{"account":2,"instrument":"SG","side":"sell","price":"60.00","qty":4}')
    LIST=$(sed 's/^{"id":\([0-9]*\),.*/\1/' "$D/out")
    code=$(send PUT "/api/v1/orders/$LIST" "$TL" '{"price":"60.50","qty":3}')
    if [ "$code" = 200 ]; then ok; else bad "PUT /api/v1/orders/ID: HTTP $code"; head -2 "$D/out"; fi
    has "$D/out" '"price_fen":6050,"price":"60.50","qty":3,' "a replace through the API"
    code=$(send POST /api/v1/picks "$TY" "{\"account\":5,\"listing\":$LIST,\"qty\":1}")
    if [ "$code" = 201 ]; then ok; else bad "POST /api/v1/picks: HTTP $code"; head -2 "$D/out"; fi
    has "$D/out" '"filled":1,' "a pick through the API"
    # the operator's, the verifier's and the seller's own writes
    code=$(send POST /api/v1/accounts "$TY" '{"name":"丙公司","kind":"company"}')
    if [ "$code" = 403 ]; then ok; else bad "a holder opens an account: HTTP $code"; fi
    code=$(send POST /api/v1/accounts "$TO" '{"name":"丙公司","kind":"company"}')
    if [ "$code" = 201 ]; then ok; else bad "POST /api/v1/accounts: HTTP $code"; head -2 "$D/out"; fi
    has "$D/out" '"name":"丙公司","kind":"company"' "an account opened through the API"
    code=$(send POST /api/v1/reports/2/verify "$TY" '')
    if [ "$code" = 403 ]; then ok; else bad "a holder verifies: HTTP $code"; fi
    code=$(send POST /api/v1/reports/2/verify "$TV" '')
    if [ "$code" = 200 ]; then ok; else bad "POST /api/v1/reports/2/verify: HTTP $code"; head -2 "$D/out"; fi
    has "$D/out" '"status":"verified"' "a report verified through the API"
    code=$(send POST /api/v1/reports/2/issue "$TV" '')
    if [ "$code" = 403 ]; then ok; else bad "a verifier issues: HTTP $code"; fi
    code=$(send POST /api/v1/reports/2/issue "$TO" '')
    if [ "$code" = 201 ]; then ok; else bad "POST /api/v1/reports/2/issue: HTTP $code"; head -2 "$D/out"; fi
    code=$(send POST /api/v1/reports/2/issue "$TO" '')
    if [ "$code" = 400 ]; then ok; else bad "issuing twice: HTTP $code"; fi
    code=$(send POST /api/v1/instruments "$TO" '{"code":"SG2","vintage":2024,"ref_price":"58.00","block_min":5,"t_plus_one":true}')
    if [ "$code" = 201 ]; then ok; else bad "POST /api/v1/instruments: HTTP $code"; head -2 "$D/out"; fi
    has "$D/out" '"code":"SG2","vintage":2024' "an instrument listed through the API"
    has "$D/out" '"t_plus_one":true' "with T+1"
    code=$(send POST /api/v1/blocks "$TL" '{"seller":2,"buyer":5,"instrument":"SG2","price":"55.00","qty":6}')
    if [ "$code" = 201 ]; then ok; else bad "POST /api/v1/blocks: HTTP $code"; head -2 "$D/out"; fi
    BLK=$(sed 's/^{"id":\([0-9]*\),.*/\1/' "$D/out")
    code=$(send POST "/api/v1/blocks/$BLK/accept" "$TL" '')
    if [ "$code" = 400 ]; then ok; else bad "a block accepted by another than its buyer: HTTP $code"; fi
    code=$(send POST "/api/v1/blocks/$BLK/accept" "$TY" '')
    if [ "$code" = 200 ]; then ok; else bad "POST /api/v1/blocks/ID/accept: HTTP $code"; head -2 "$D/out"; fi
    has "$D/out" '"status":"accepted"' "a block trade settled through the API"
    later=$(date -u -d "+1 hour" +%Y-%m-%dT%H:%M:%SZ)
    code=$(send POST /api/v1/auctions "$TL" "{\"seller\":2,\"instrument\":\"SG2\",\"qty\":3,\"reserve\":\"50.00\",\"until\":\"$later\"}")
    if [ "$code" = 201 ]; then ok; else bad "POST /api/v1/auctions: HTTP $code"; head -2 "$D/out"; fi
    has "$D/out" '"qty":3,"reserve_fen":5000' "an auction opened through the API"
    code=$(send POST /api/v1/auctions "$TY" "{\"seller\":2,\"instrument\":\"SG2\",\"qty\":3,\"reserve\":\"50.00\",\"until\":\"$later\"}")
    if [ "$code" = 403 ]; then ok; else bad "an auction of another's credits: HTTP $code"; fi
    code=$(send POST /api/v1/instruments/SG/session "$TO" '{"to":"close"}')
    if [ "$code" = 200 ]; then ok; else bad "the operator closes the session: HTTP $code"; fi
    has "$D/out" '"session":"closed","was":"open","by":"hand"' "a session closed through the API"
    # a login session: a cookie, HttpOnly and SameSite=Strict; ended by logout or by its time
    code=$(curl -s -c "$D/jar" -D "$D/headers" -o "$D/out" -w '%{http_code}' -X POST --data '{"name":"lin","password":"a long enough password"}' "$URL/api/v1/login")
    if [ "$code" = 200 ]; then ok; else bad "POST /api/v1/login: HTTP $code"; head -2 "$D/out"; fi
    has "$D/headers" "HttpOnly; SameSite=Strict; Path=/; Max-Age=43200" "the session cookie's attributes"
    has "$D/out" '{"user":{"id":2,"name":"lin","account":2,"role":"owner"}}' "who logged in"
    code=$(curl -s -b "$D/jar" -o "$D/out" -w '%{http_code}' "$URL/api/v1/me")
    if [ "$code" = 200 ]; then ok; else bad "GET /api/v1/me with the cookie: HTTP $code"; fi
    code=$(curl -s -b "$D/jar" -o "$D/out" -w '%{http_code}' "$URL/api/v1/accounts/2/cash")
    if [ "$code" = 200 ]; then ok; else bad "the cookie opens the user's own account: HTTP $code"; fi
    code=$(curl -s -o "$D/out" -w '%{http_code}' -X POST --data '{"name":"lin","password":"not the password"}' "$URL/api/v1/login")
    if [ "$code" = 401 ]; then ok; else bad "a wrong password: HTTP $code"; fi
    has "$D/out" "the name or the password is wrong" "no hint which"
    code=$(curl -s -b "$D/jar" -o "$D/out" -w '%{http_code}' -X POST "$URL/api/v1/logout")
    if [ "$code" = 200 ]; then ok; else bad "POST /api/v1/logout: HTTP $code"; fi
    code=$(curl -s -b "$D/jar" -o "$D/out" -w '%{http_code}' "$URL/api/v1/me")
    if [ "$code" = 401 ]; then ok; else bad "the cookie after logout: HTTP $code"; fi
    has "$D/out" "the session has ended: log in again" "a session ended by logout"
    if command -v sqlite3 >/dev/null 2>&1; then
        curl -s -c "$D/jar2" -o /dev/null -X POST --data '{"name":"lin","password":"a long enough password"}' "$URL/api/v1/login"
        sqlite3 "$W" "UPDATE tokens SET expires_at = '2000-01-01T00:00:00Z' WHERE kind = 'session' AND revoked_at IS NULL"
        code=$(curl -s -b "$D/jar2" -o "$D/out" -w '%{http_code}' "$URL/api/v1/me")
        if [ "$code" = 401 ]; then ok; else bad "an expired session: HTTP $code"; fi
    fi
    head -c 1100000 /dev/zero | tr '\0' ' ' >"$D/big"
    code=$(curl -s -o "$D/out" -w '%{http_code}' -H "$(auth "$TY")" -X POST --data-binary @"$D/big" "$URL/api/v1/orders")
    if [ "$code" = 413 ]; then ok; else bad "a body over 1 MiB: HTTP $code"; fi
    has "$D/out" '"code":"too_large"' "413 with the API's error"
    expect 2 sv-cli-user -- "$T" --db "$W" user add zz --account 乙 --role holder
    has "$D/err" "the server holds the database" "user add is a write, refused while serving"
    expect 2 sv-second -- "$T" --db "$W" serve --listen 127.0.0.1:0
    has "$D/err" "the server holds the database" "a second server is refused"
    expect 2 sv-cli-write -- "$T" --db "$W" cash deposit 甲 1
    has "$D/err" "the server holds the database (tanhui serve, pid $SP, $URL)" "a CLI write is refused while the server runs"
    expect 0 sv-cli-read -- "$T" --db "$W" supply
    # projects and monitoring reports: inventories uploaded (multipart/form-data), measured by
    # the server with the project's own table, the report submitted through the writer
    form() { # TOKEN PATH CURL-ARGS...
        tok=$1 path=$2
        shift 2
        curl -s -o "$D/out" -w '%{http_code}' -H "$(auth "$tok")" "$@" "$URL$path"
    }
    code=$(send POST /api/v1/projects "$TL" '{"name":"P3","buffer_pct":"20"}')
    if [ "$code" = 201 ]; then ok; else bad "POST /api/v1/projects: HTTP $code"; head -2 "$D/out"; fi
    has "$D/out" '"name":"P3"' "an owner adds its own project"
    code=$(form "$TL" /api/v1/uploads -F "file=@data/params-default.csv")
    UP=$(sha256sum data/params-default.csv | cut -d' ' -f1)
    code=$(send POST /api/v1/projects "$TL" "{\"name\":\"P5\",\"params\":\"$UP\"}")
    if [ "$code" = 201 ]; then ok; else bad "a project with an uploaded table: HTTP $code"; head -2 "$D/out"; fi
    has "$D/out" "upload $UP" "the table named by its upload"
    code=$(send POST /api/v1/projects "$TL" '{"name":"P4","owner":"乙"}')
    if [ "$code" = 403 ]; then ok; else bad "an owner adds another's project: HTTP $code"; fi
    code=$(form "$TL" /api/v1/uploads -F "file=@$SB")
    if [ "$code" = 201 ]; then ok; else bad "POST /api/v1/uploads: HTTP $code"; head -2 "$D/out"; fi
    UB=$(sha256sum "$SB" | cut -d' ' -f1)
    has "$D/out" "{\"upload\":\"$UB\",\"bytes\":$(wc -c <"$SB"),\"kind\":\"csv\"}" "an upload is named by its SHA-256"
    code=$(form "$TY" /api/v1/uploads -F "file=@$SB")
    if [ "$code" = 403 ]; then ok; else bad "a holder uploads: HTTP $code"; fi
    code=$(curl -s -o "$D/out" -w '%{http_code}' -F "file=@$SB" "$URL/api/v1/uploads")
    if [ "$code" = 401 ]; then ok; else bad "an upload without a user: HTTP $code"; fi
    code=$(form "$TL" /api/v1/orders -F "file=@$SB")
    if [ "$code" = 415 ]; then ok; else bad "multipart to another route: HTTP $code"; fi
    cp "$SB" "$D/inv.shp"
    code=$(form "$TL" /api/v1/uploads -F "file=@$D/inv.shp")
    if [ "$code" = 400 ]; then ok; else bad "a shapefile's .shp alone: HTTP $code"; fi
    has "$D/out" "an inventory is uploaded as a .csv (or .txt) or a .gpkg file" "the kinds an upload may be"
    code=$(form "$TL" /api/v1/projects/P3/reports -F "before=@$SB" -F "after=@$SA")
    if [ "$code" = 201 ]; then ok; else bad "a report from two files: HTTP $code"; head -2 "$D/out"; fi
    has "$D/out" '"project":{"id":3,"code":"P0003","name":"P3"},"status":"submitted"' "submitted for the project"
    grep -o '"credits_total":[0-9]*' "$D/out" >"$D/api.credits"
    get sv-reports-p2 "/api/v1/reports?project=P2" 200
    grep -o '"credits_total":[0-9]*' "$D/out" >"$D/cli.credits"
    if [ -s "$D/api.credits" ] && cmp -s "$D/api.credits" "$D/cli.credits"; then ok; else bad "the API's measurement differs from tanhui report add's"; fi
    UA=$(sha256sum "$SA" | cut -d' ' -f1)
    code=$(send POST /api/v1/projects/P3/reports "$TL" "{\"before\":\"$UB\",\"after\":\"$UA\",\"by\":\"owner\",\"uncertainty_pct\":12}")
    if [ "$code" = 201 ]; then ok; else bad "a report naming stored uploads: HTTP $code"; head -2 "$D/out"; fi
    R3=$(sed 's/^{"id":\([0-9]*\),.*/\1/' "$D/out")
    code=$(send POST /api/v1/projects/P3/reports "$TL" "{\"before\":\"$UB\",\"after\":\"$UA\",\"buffer_pct\":\"5\"}")
    if [ "$code" = 400 ]; then ok; else bad "a report choosing its own buffer: HTTP $code"; fi
    has "$D/out" "are the project's, not the report's" "the buffer is the project's"
    code=$(send POST /api/v1/projects/P3/reports "$TL" "{\"before\":\"$UB\",\"after\":\"$(printf 'f%.0s' $(seq 64))\"}")
    if [ "$code" = 404 ]; then ok; else bad "an upload that is not stored: HTTP $code"; fi
    head -3 "$SB" >"$D/bad.csv"
    sed -n 4p "$SB" | sed 's/,2\.25,/,abc,/' >>"$D/bad.csv"
    code=$(form "$TL" /api/v1/projects/P3/reports -F "before=@$D/bad.csv" -F "after=@$SA")
    if [ "$code" = 400 ]; then ok; else bad "a bad row: HTTP $code"; fi
    has "$D/out" 'before:4: column area_ha, value' "a bad row named by field, line and column"
    has "$D/out" '\"skip_invalid\": true' "the API's own words for skipping"
    code=$(form "$TO" /api/v1/projects/P3/reports -F "before=@$SB" -F "after=@$SA")
    if [ "$code" = 403 ]; then ok; else bad "an operator submits an owner's report: HTTP $code"; fi
    get sv-reports "/api/v1/reports?status=submitted" 200
    has "$D/out" "{\"reports\":[{\"id\":$R3," "the reports, newest first"
    get sv-reports-bad "/api/v1/reports?status=lost" 400
    get sv-reports-page "/api/v1/reports?limit=1" 200
    next=$(sed -n 's/.*"next_cursor":\([0-9]*\)}$/\1/p' "$D/out")
    has "$D/out" "{\"reports\":[{\"id\":$R3," "a page of one report, the newest"
    get sv-reports-page2 "/api/v1/reports?limit=1&cursor=$next" 200
    if [ -n "$next" ] && ! grep -q "\"id\":$R3," "$D/out" && grep -q '"reports":\[{"id":' "$D/out"; then ok; else bad "the next page of the reports"; fi
    get sv-report-one "/api/v1/reports/$R3" 200
    has "$D/out" '"measurement":{"parcels":6,' "one report, with its measurement"
    get sv-project-one /api/v1/projects/P3 200
    has "$D/out" '"code":"P0003"' "one project"
    code=$(send POST "/api/v1/reports/$R3/verify" "$TV" '{}')
    if [ "$code" = 201 ] || [ "$code" = 200 ]; then ok; else bad "a verifier verifies the uploaded report: HTTP $code"; head -2 "$D/out"; fi
    # accounts, beneficiaries and the calendar: what the command line writes, while the server
    # holds the database
    code=$(curl -s -o "$D/out" -w '%{http_code}' -H "$(auth "$TO")" "$URL/api/v1/accounts")
    if [ "$code" = 200 ]; then ok; else bad "GET /api/v1/accounts as the operator: HTTP $code"; fi
    has "$D/out" '"name":"乙"' "every account"
    code=$(curl -s -o "$D/out" -w '%{http_code}' -H "$(auth "$TY")" "$URL/api/v1/accounts")
    if [ "$code" = 403 ]; then ok; else bad "GET /api/v1/accounts as a holder: HTTP $code"; fi
    code=$(curl -s -o "$D/out" -w '%{http_code}' -H "$(auth "$TY")" "$URL/api/v1/accounts/乙")
    if [ "$code" = 200 ]; then ok; else bad "GET its own account: HTTP $code"; fi
    code=$(send PUT /api/v1/projects/P2/beneficiaries "$TL" '{"beneficiaries":[{"account":"甲","weight":"1"},{"account":5,"weight":"2.5"}]}')
    if [ "$code" = 200 ]; then ok; else bad "PUT beneficiaries: HTTP $code"; head -2 "$D/out"; fi
    get sv-benef /api/v1/projects/P2/beneficiaries 200
    has "$D/out" '"weight":2500000' "the weights, times 10^6"
    code=$(send PUT /api/v1/projects/P2/beneficiaries "$TY" '{"beneficiaries":[{"account":5,"weight":"1"}]}')
    if [ "$code" = 403 ]; then ok; else bad "a holder sets a project's beneficiaries: HTTP $code"; fi
    code=$(send PUT /api/v1/projects/P2/beneficiaries "$TL" '{"beneficiaries":[{"account":5,"weight":"0"}]}')
    if [ "$code" = 400 ]; then ok; else bad "a weight of 0: HTTP $code"; fi
    code=$(send PUT /api/v1/calendar "$TO" '{"holidays_add":["2027-01-01"]}')
    if [ "$code" = 200 ]; then ok; else bad "PUT /api/v1/calendar: HTTP $code"; head -2 "$D/out"; fi
    has "$D/out" '"holidays":["2027-01-01"]' "a holiday added through the API"
    code=$(send PUT /api/v1/calendar "$TO" '{"colour":"red"}')
    if [ "$code" = 400 ]; then ok; else bad "a calendar member that is not: HTTP $code"; fi
    code=$(send PUT /api/v1/calendar "$TO" '{"tz":"Europe/Paris"}')
    if [ "$code" = 400 ]; then ok; else bad "a zone name the API does not look up: HTTP $code"; fi
    code=$(send PUT /api/v1/calendar "$TL" '{"enabled":true}')
    if [ "$code" = 403 ]; then ok; else bad "an owner changes the calendar: HTTP $code"; fi
    # the writer settles the auction at its end, by itself
    for _ in $(seq 75); do
        curl -s -o "$D/out" "$URL/api/v1/auctions/4"
        grep -q '"status":"settled"' "$D/out" && break
        sleep 0.2
    done
    has "$D/out" '"status":"settled","sold":5,' "the server's writer settles an auction at its end"
    get sv-metrics /metrics 200
    has "$D/out" 'tanhui_http_requests_total{route="/api/v1/supply",status="200"} 1' "metrics by route and status"
    has "$D/out" "tanhui_commit_seconds_bucket" "commit latency"
    n=$("$T" --db "$W" log size)
    if grep -qxF "tanhui_log_size $n" "$D/out"; then ok; else bad "/metrics's log size is not tanhui log size's $n"; grep log_size "$D/out"; fi
    has "$D/out" "tanhui_wal_checkpoints_total " "the checkpoint thread's count"
    has "$D/out" "tanhui_wal_checkpoint_pages_total " "the pages it copied"
    has "$D/out" "tanhui_wal_syncs_total " "the sync thread's count"
    has "$D/serve.err" "GET /api/v1/supply 200 " "one line per request"
    # the supply's answer is shared until a commit: asked again, it is served, not made; after
    # a retirement (which changes it) it is the command line's again
    for i in 1 2 3; do curl -s -o "$D/out" "$URL/api/v1/supply"; done
    served=$(curl -s "$URL/metrics" | sed -n 's/^tanhui_shared_answers_total{outcome="served"} //p')
    if [ "${served:-0}" -ge 1 ]; then ok; else bad "the supply asked again was made again (served: $served)"; fi
    code=$(send POST /api/v1/retirements "$TY" '{"from":5,"qty":1,"beneficiary":"b","reason":"r"}')
    if [ "$code" = 201 ]; then ok; else bad "a retirement: HTTP $code"; head -2 "$D/out"; fi
    get sv-supply-after /api/v1/supply 200
    "$T" --db "$W" supply --json >"$D/cli.out"
    same "GET /api/v1/supply after a retirement is tanhui supply --json"
    # the main thread writes the lines every tenth of a second: a quiet server's line is out
    curl -s -o /dev/null "$URL/api/v1/no-such-route-probe"
    for _ in $(seq 10); do grep -q "no-such-route-probe" "$D/serve.err" && break; sleep 0.1; done
    has "$D/serve.err" "GET /api/v1/no-such-route-probe 404 " "a lone request's line is out within a second"
    # SIGTERM with orders in flight: each is answered and in the store, or never taken (no
    # connection, or 503 once the server is stopping)
    code=$(send POST /api/v1/instruments/SG/session "$TO" '{"to":"open"}')
    if [ "$code" = 200 ]; then ok; else bad "the session opened by hand: HTTP $code"; fi
    pids=""
    for i in $(seq 12); do
        curl -s -o "$D/term-body.$i" -w '%{http_code}\n' -H "$(auth "$TY")" -H 'Content-Type: application/json' -X POST --data '{"account":5,"instrument":"SG","side":"buy","price":"53.90","qty":1}' "$URL/api/v1/orders" >"$D/term-code.$i" &
        pids="$pids $!"
    done
    sleep 0.05
    kill -TERM "$SP"
    wait $pids
    wait "$SP"
    rc=$?
    if [ "$rc" -eq 0 ]; then ok; else bad "serve exits 0 on SIGTERM, not $rc"; fi
    n=$(cat "$D"/term-code.* | grep -o 201 | wc -l)
    m=$(sqlite3 "$W" "SELECT count(*) FROM orders WHERE price_fen = 5390")
    if [ "$n" = "$m" ]; then ok; else bad "orders in flight at SIGTERM: $n answered 201, $m in the store"; fi
    if cat "$D"/term-code.* | grep -qv '^\(201\|503\|000\)$'; then bad "an order in flight at SIGTERM answered neither 201, 503 nor nothing"; cat "$D"/term-code.*; else ok; fi
    for i in $(seq 12); do
        if [ "$(cat "$D/term-code.$i")" = 503 ] && ! grep -q '"code":"unavailable"' "$D/term-body.$i"; then bad "a 503 at SIGTERM without its error"; fi
    done
    has "$D/serve.err" "SIGTERM: finishing the requests in flight" "a graceful shutdown"
    wait "$CP"
    rc=$?
    if [ "$rc" -eq 0 ]; then ok; else bad "the shutdown ends an open stream cleanly (curl exit $rc)"; fi
    # a user's requests beyond its rate: 429 with Retry-After
    "$T" --db "$W" serve --listen 0.0.0.0:0 --rate 2 >"$D/serve.out" 2>"$D/serve.err" &
    SP=$!
    for _ in $(seq 100); do grep -q listening "$D/serve.out" && break; sleep 0.1; done
    URL=$(sed -n 's/^listening on //p' "$D/serve.out")
    limited=0
    for _ in 1 2 3 4 5 6 7 8; do
        code=$(curl -s -D "$D/headers" -o "$D/out" -w '%{http_code}' -H "$(auth "$TY")" "$URL/api/v1/accounts/5/cash")
        [ "$code" = 429 ] && limited=$((limited + 1)) && cp "$D/headers" "$D/h429" && cp "$D/out" "$D/o429"
    done
    if [ "$limited" -ge 1 ]; then ok; else bad "8 requests at once against --rate 2: no 429"; fi
    has "$D/h429" "Retry-After: " "429 says when to retry"
    has "$D/o429" '"code":"rate_limited"' "429 with the API's error"
    code=$(curl -s -o "$D/out" -w '%{http_code}' "$URL/api/v1/supply")
    if [ "$code" = 200 ]; then ok; else bad "the public is not limited by a user's rate: HTTP $code"; fi
    # logins from one address: 10 a minute (each costs an Argon2id hash)
    limited=0
    for _ in $(seq 12); do
        code=$(curl -s -o "$D/out" -w '%{http_code}' -X POST --data '{"name":"yi","password":"not the password"}' "$URL/api/v1/login")
        [ "$code" = 429 ] && limited=$((limited + 1)) && cp "$D/out" "$D/o429"
    done
    if [ "$limited" -ge 1 ]; then ok; else bad "12 logins at once: none refused"; fi
    has "$D/o429" "too many logins from this address" "logins are limited by address"
    # /metrics: for a scraper on this machine, or an operator's token from elsewhere
    IP=$(hostname -I 2>/dev/null | tr ' ' '\n' | grep -v '^127\.' | grep '^[0-9.]*$' | head -1)
    PORT=${URL##*:}
    if [ -n "$IP" ] && curl -s -o /dev/null --max-time 2 "http://$IP:$PORT/api/v1/supply"; then
        code=$(curl -s -o "$D/out" -w '%{http_code}' "http://$IP:$PORT/metrics")
        if [ "$code" = 401 ]; then ok; else bad "/metrics from another address: HTTP $code"; fi
        code=$(curl -s -o "$D/out" -w '%{http_code}' -H "$(auth "$TO")" "http://$IP:$PORT/metrics")
        if [ "$code" = 200 ]; then ok; else bad "/metrics for an operator: HTTP $code"; fi
    fi
    kill -TERM "$SP"
    wait "$SP"
    expect 0 sv-after-write -- "$T" --db "$W" cash deposit 甲 1
    expect 0 sv-log-verify -- "$T" --db "$W" log verify
    expect 0 sv-check -- "$T" --db "$W" check
    expect 2 sv-listen -- "$T" --db "$W" serve --listen localhost
    has "$D/err" "--listen is an IPv4 address and a port" "a bad address"
    for v in x -1 3600001 10ms ""; do
        expect 2 "sv-sign-every-$v" -- "$T" --db "$W" serve --sign-every "$v"
        has "$D/err" "--sign-every is milliseconds between checkpoints" "--sign-every '$v'"
    done
    for v in 0 65 " 4" 4x ""; do
        expect 2 "sv-threads-$v" -- "$T" --db "$W" serve --threads "$v"
        has "$D/err" "serve: --threads is a whole number from 1 to 64" "--threads '$v'"
    done
    for v in 0 1000001 " 9" 9.5; do
        expect 2 "sv-rate-$v" -- "$T" --db "$W" serve --rate "$v"
        has "$D/err" "serve: --rate is requests a second per user, 1 to 1000000" "--rate '$v'"
    done
    # --sign-every: a lone write is signed at once (within a few ms of its sync), and then no
    # other for the interval (an hour here) until the server stops, which signs the rest
    "$T" --db "$W" serve --listen 127.0.0.1:0 --sign-every 3600000 >"$D/serve.out" 2>"$D/serve.err" &
    SP=$!
    for _ in $(seq 100); do grep -q listening "$D/serve.out" && break; sleep 0.1; done
    URL=$(sed -n 's/^listening on //p' "$D/serve.out")
    signed() { "$T" --db "$W" log checkpoint | sed -n 2p; }
    order() { curl -s -o "$D/out" -w '%{http_code}' -H "$(auth "$TY")" -H 'Content-Type: application/json' -X POST --data '{"account":5,"instrument":"SG","side":"buy","price":"53.50","qty":1}' "$URL/api/v1/orders"; }
    code=$(order)
    if [ "$code" = 201 ]; then ok; else bad "an order under --sign-every: HTTP $code"; cat "$D/out"; fi
    for _ in $(seq 50); do [ "$(signed)" = "$("$T" --db "$W" log size)" ] && break; sleep 0.1; done
    size=$("$T" --db "$W" log size)
    if [ "$(signed)" = "$size" ]; then ok; else bad "a lone write under --sign-every: its checkpoint $(signed), the log $size"; fi
    order >/dev/null
    sleep 0.3
    if [ "$(signed)" = "$size" ] && [ "$("$T" --db "$W" log size)" -gt "$size" ]; then ok; else bad "a second write within the interval was signed: $(signed)"; fi
    kill -TERM "$SP"
    wait "$SP"
    if [ "$(signed)" = "$("$T" --db "$W" log size)" ]; then ok; else bad "stopping did not sign what the interval held back"; fi
    # passwords are hashed two at a time whoever asks: 8 logins at once over 16 request threads
    # are answered 200, or 503 with Retry-After (each hash takes some 0.1 s), never otherwise
    "$T" --db "$W" serve --listen 127.0.0.1:0 >"$D/serve.out" 2>"$D/serve.err" &
    SP=$!
    for _ in $(seq 100); do grep -q listening "$D/serve.out" && break; sleep 0.1; done
    URL=$(sed -n 's/^listening on //p' "$D/serve.out")
    pids=""
    for i in 1 2 3 4 5 6 7 8; do
        curl -s -D "$D/h$i" -o "$D/o$i" -w '%{http_code}\n' -X POST --data '{"name":"lin","password":"a long enough password"}' "$URL/api/v1/login" >"$D/c$i" &
        pids="$pids $!"
    done
    for p in $pids; do wait "$p"; done
    cat "$D"/c[1-8] | sort | uniq -c >"$D/codes"
    if grep -qv -e ' 200$' -e ' 503$' "$D/codes"; then bad "8 logins at once: $(tr '\n' ' ' <"$D/codes")"; else ok; fi
    if grep -q ' 200$' "$D/codes" && grep -q ' 503$' "$D/codes"; then ok; else bad "8 logins at once, 2 hashed at a time: $(tr '\n' ' ' <"$D/codes")"; fi
    busy=$(grep -l '^503' "$D"/c[1-8] | head -1 | sed 's/c\([0-9]\)$/\1/')
    has "$D/h${busy##*/}" "Retry-After: 1" "503 says when to retry"
    has "$D/o${busy##*/}" '"code":"busy"' "503 with the API's error"
    curl -s -o "$D/out" "$URL/metrics"
    has "$D/out" "tanhui_password_busy_total " "the refusals counted"
    kill -TERM "$SP"
    wait "$SP"
    # the web app's files at / (--web DIR), beside the API
    mkdir -p "$D/web/assets"
    printf '<!doctype html><title>碳汇</title>\n' >"$D/web/index.html"
    printf 'console.log(1)\n' >"$D/web/assets/app-1a2b.js"
    expect 2 sv-web-bad -- "$T" --db "$W" serve --web "$D/nothing"
    has "$D/err" "--web is a directory" "a web root that is not"
    "$T" --db "$W" serve --listen 127.0.0.1:0 --web "$D/web" >"$D/serve.out" 2>"$D/serve.err" &
    SP=$!
    for _ in $(seq 100); do grep -q listening "$D/serve.out" && break; sleep 0.1; done
    URL=$(sed -n 's/^listening on //p' "$D/serve.out")
    get sv-web-index / 200
    has "$D/out" "<title>碳汇</title>" "/ is the app's index.html"
    curl -s -D "$D/headers" -o /dev/null "$URL/assets/app-1a2b.js"
    has "$D/headers" "Content-Type: text/javascript" "a script as a script"
    has "$D/headers" "immutable" "hashed assets cached for good"
    has "$D/headers" "Content-Security-Policy: default-src 'self'" "nothing from elsewhere"
    get sv-web-route /projects/7 200
    has "$D/out" "<title>碳汇</title>" "an app route is the app's index"
    get sv-web-missing /missing.css 404
    code=$(curl -s --path-as-is -o "$D/out" -w '%{http_code}' "$URL/../../etc/passwd")
    if [ "$code" = 404 ] || [ "$code" = 400 ]; then ok; else bad "a path out of the web root: HTTP $code"; fi
    if grep -q "root:" "$D/out"; then bad "a file outside the web root was served"; else ok; fi
    get sv-web-api /api/v1/supply 200
    get sv-web-api-none /api/v1/nothing 404
    has "$D/out" '"code":"not_found"' "the API's own 404 beside the app"
    kill -TERM "$SP"
    wait "$SP"
else
    echo "skip: curl is not installed (scripts/deps.sh test installs it)"
fi

# --- the transparency log: every change an entry, signed checkpoints, proofs, audits ---
expect 0 log-size -- "$T" --db "$DB" log size
n=$(cat "$D/out")
[ "$n" -gt 10 ] 2>/dev/null && ok || bad "log size: '$n'"
expect 0 log-size-json -- "$T" --db "$DB" log size --json
has "$D/out" "{\"size\":$n}" "log size --json"
expect 0 log-entry-0 -- "$T" --db "$DB" log entry 0
has "$D/out" '{"buffer":{"account":1,"kind":"buffer","name":"buffer"},"time":"' "entry 0 is the registry's making"
[ "$(tail -c 1 "$D/out" | od -An -c | tr -d ' ')" = "}" ] && ok || bad "log entry adds nothing after the entry's bytes"
if command -v sqlite3 >/dev/null 2>&1; then
    # the entry of the first transfer: canonical JSON, read back byte for byte
    i=$(sqlite3 "$DB" "SELECT min(idx) FROM log_entries WHERE entry LIKE '%\"type\":\"transfer\"%'")
    expect 0 log-entry-transfer -- "$T" --db "$DB" log entry "$i"
    has "$D/out" '{"blocks":[{"first":1,"last":100,"project":1,"vintage":2024}],"from":' "a transfer's entry names its serial range"
    has "$D/out" '"qty":100,"time":"' "a transfer's entry: keys sorted, integers"
    sqlite3 "$DB" "SELECT entry FROM log_entries WHERE idx = $i" | tr -d '\n' >"$D/entry.sql"
    cmp -s "$D/out" "$D/entry.sql" && ok || bad "log entry differs from the stored row"
fi
expect 0 log-checkpoint -- "$T" --db "$DB" log checkpoint
head -1 "$D/out" | grep -qx 'tanhui.local/registry' && ok || bad "checkpoint origin line"
sed -n 2p "$D/out" | grep -qx "$n" && ok || bad "the latest checkpoint covers every entry"
has "$D/out" "— tanhui.local/registry " "checkpoint signature line"
expect 0 log-checkpoint-at -- "$T" --db "$DB" log checkpoint --size 1
sed -n 2p "$D/out" | grep -qx 1 && ok || bad "checkpoint --size 1"
expect 2 log-checkpoint-none -- "$T" --db "$DB" log checkpoint --size 999999
has "$D/err" "no checkpoint was signed at size 999999" "checkpoint of no size"
expect 0 log-key -- "$T" --db "$DB" log key
grep -qE '^tanhui\.local/registry\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}$' "$D/out" && ok || bad "log key format: $(cat "$D/out")"
[ "$(stat -c %a "$DB.key")" = 600 ] && ok || bad "the private key file is not mode 0600"
expect 0 log-prove -- "$T" --db "$DB" log prove 3 --json
has "$D/out" "{\"index\":3,\"size\":$n,\"leaf_hash\":\"" "log prove --json"
expect 0 log-prove-text -- "$T" --db "$DB" log prove 3 --size 5
has "$D/out" "leaf_hash  " "log prove as text"
expect 0 log-consistency -- "$T" --db "$DB" log consistency 2 "$n" --json
has "$D/out" "{\"old_size\":2,\"new_size\":$n,\"old_root\":\"" "log consistency --json"
expect 0 log-verify -- "$T" --db "$DB" log verify
has "$D/out" "ok: $n entries" "log verify"
expect 0 log-verify-json -- "$T" --db "$DB" log verify --json
has "$D/out" "{\"ok\":true,\"entries\":$n," "log verify --json"
expect 0 check-has-log -- "$T" --db "$DB" check --json
has "$D/out" "\"log\":{\"entries\":$n," "check runs the log's audit"
if command -v node >/dev/null 2>&1; then
    expect 0 log-independent-verifier -- node tests/verifier/verify_log.mjs "$T" "$DB"
    has "$D/out" "verifier: ok, $n entries" "an independent verifier accepts the log"
else
    bad "node is missing (scripts/deps.sh test installs it): the independent verifier did not run"
fi
for args in "entry -1" "entry abc" "entry 99999" "prove $n" "prove 5 --size 3" "consistency 0 5" \
    "consistency 5 3" "consistency 1 99999" "frob" "" "size extra" "replay"; do
    # shellcheck disable=SC2086
    expect 2 "log-bad $args" -- "$T" --db "$DB" log $args
    [ "$(wc -l <"$D/err")" -eq 1 ] && grep -q '^tanhui: ' "$D/err" && ok || bad "log $args: one line on stderr"
done
expect 2 log-no-subcommand -- "$T" --db "$DB" log
has "$D/err" "log needs a subcommand: size, entry" "log without a subcommand says which there are"
# a rebuild from the entries alone equals the registry, row for row
expect 0 log-replay -- "$T" --db "$DB" log replay --to "$D/replayed.db"
has "$D/out" "replayed $n entries" "log replay"
expect 0 log-replay-verify -- "$T" --db "$D/replayed.db" log verify
expect 0 log-replay-supply -- "$T" --db "$D/replayed.db" supply --json
"$T" --db "$DB" supply --json >"$D/supply.orig"
cmp -s "$D/out" "$D/supply.orig" && ok || bad "the replayed registry has another supply"
expect 2 log-replay-exists -- "$T" --db "$DB" log replay --to "$D/replayed.db"
expect 2 log-replay-no-to -- "$T" --db "$DB" log replay
# init with the key elsewhere; a key file that exists is never overwritten
expect 0 init-log-key -- "$T" --db "$D/k.db" init --log-key "$D/k.key" --log-origin example.org/registry
[ -f "$D/k.key" ] && [ ! -f "$D/k.db.key" ] && ok || bad "init --log-key"
expect 0 init-log-key-name -- "$T" --db "$D/k.db" log key
has "$D/out" "example.org/registry+" "init --log-origin names the log"
expect 2 init-key-exists -- "$T" --db "$D/k2.db" init --log-key "$D/k.key"
[ ! -f "$D/k2.db" ] && ok || bad "init with an existing key file left a database"
mv "$D/k.key" "$D/k.moved"
expect 1 write-without-key -- "$T" --db "$D/k.db" account add 某村 --kind collective
has "$D/err" "cannot read the log's signing key" "a write needs the log's key"
mv "$D/k.moved" "$D/k.key"
# tampering: a balance, an entry, a hash, a checkpoint; each found and named
if command -v sqlite3 >/dev/null 2>&1; then
    tamper() { # NAME SQL EXPECTED-MESSAGE
        cp "$DB" "$D/t.db"
        sqlite3 "$D/t.db" "$2"
        expect 1 "tamper-$1" -- "$T" --db "$D/t.db" log verify
        has "$D/err" "$3" "log verify names the $1"
    }
    tamper balance "UPDATE blocks SET account_id = 1 WHERE id = (SELECT max(id) FROM blocks WHERE state = 'available')" \
        "table blocks, row with id"
    tamper entry "UPDATE log_entries SET entry = replace(entry, '\"qty\":100', '\"qty\":101') WHERE idx = $i" \
        "entry $i was changed after it was logged"
    tamper hash "UPDATE log_tiles SET hashes = CAST(zeroblob(32) || substr(hashes, 33) AS BLOB) WHERE id = 1099511627776" \
        "the stored hash at level 1, index 0"
    tamper checkpoint "UPDATE log_checkpoints SET note = replace(note, 'registry', 'registrx') WHERE size = 3" \
        "checkpoint 3:"
    tamper lost-entry "DELETE FROM log_entries WHERE idx = $((n - 1))" "checkpoint $n covers more entries than the log has"
    expect 1 tamper-check -- "$T" --db "$D/t.db" check
fi

# --- the matching engine through its replay tool ---
printf '# a sell, a buy that crosses it, a post-only that would cross\nO 1 7 S 5900 100\nO 2 8 B 5950 30\nO 3 8 B 5900 1 POST\nC 1\nC 1\nO 4 x\n' >"$D/book.txt"
expect 0 book-replay -- sh -c "\"$T\" book replay <\"$D/book.txt\""
printf 'A 1\nA 2\nT 2 1 5900 30 B\nJ 3 post-would-cross\nK 1 70\nJ 1 unknown-order\nJ 4 bad-line\n' >"$D/book.want"
cmp -s "$D/out" "$D/book.want" && ok || { bad "book replay events"; diff "$D/book.want" "$D/out"; }
expect 0 book-auction -- sh -c "printf 'O 1 1 B 101 5\nO 2 2 S 100 5\nX\n' | \"$T\" book replay --auction --ref 101 --band 90:110 --stp off --pick-depth 3"
has "$D/out" "T 1 2 101 5 X" "book replay --auction uncrosses"
expect 2 book-bad-band -- "$T" book replay --band 110:90
has "$D/err" "--band '110:90' must be LO:HI" "book replay names a bad band"
expect 2 book-bad-stp -- "$T" book replay --stp sometimes
expect 2 book-no-replay -- "$T" book
expect 0 book-help -- "$T" help book
has "$D/out" "tanhui book replay [--band LO:HI]" "book help"

# --- crash: writers killed with SIGKILL at random moments; every acknowledged command is there,
#     nothing half-applied, and every invariant holds ---
CDB="$D/crash.db"
"$T" --db "$CDB" init >/dev/null
"$T" --db "$CDB" account add O --kind state >/dev/null
"$T" --db "$CDB" account add A --kind company >/dev/null
"$T" --db "$CDB" account add V --kind verifier >/dev/null
"$T" --db "$CDB" project add --name P --owner O >/dev/null
"$T" --db "$CDB" report add P0001 --before "$SB" --after "$SA" >/dev/null
"$T" --db "$CDB" report verify 1 --verifier V >/dev/null
"$T" --db "$CDB" issue 1 >/dev/null
: >"$D/acked"
ckills=6
[ "$LONG" = "1" ] && ckills=100
k=0
while [ $k -lt $ckills ]; do
    k=$((k + 1))
    # a load generator: transfers back and forth, each acknowledged (written to acked) only
    # after tanhui returned success; timeout kills it and the tanhui it is running, mid-write or
    # not, with SIGKILL to the whole process group
    timeout -s KILL "0.$(printf '%03d' $(( (k * 7907) % 400 + 50 )))" sh -c '
        n=0
        while :; do
            n=$((n + 1))
            if [ $((n % 2)) -eq 0 ]; then f=O t=A; else f=A t=O; fi
            "$1" --db "$2" transfer --from $f --to $t --qty 1 --request-id "k$3-$n" >/dev/null 2>&1 &&
                echo "k$3-$n" >>"$4"
        done' sh "$T" "$CDB" "$k" "$D/acked" 2>/dev/null &
    gen=$!
    # readers never wait for the writer, and see a consistent registry while it writes
    sleep 0.05
    "$T" --db "$CDB" check >/dev/null 2>"$D/check.err" && ok || { bad "kill $k: check while writing failed"; cat "$D/check.err"; }
    wait $gen 2>/dev/null
    "$T" --db "$CDB" check >/dev/null 2>"$D/check.err" && ok || { bad "kill $k: check failed"; cat "$D/check.err"; }
done
acked=$(sort -u "$D/acked" | wc -l)
if command -v sqlite3 >/dev/null 2>&1; then
    sort -u "$D/acked" | sed "s/.*/'&'/" | paste -sd, >"$D/ids"
    found=$(sqlite3 "$CDB" "SELECT count(*) FROM requests WHERE id IN ($(cat "$D/ids"))")
    if [ "$acked" -gt 0 ] && [ "$found" = "$acked" ]; then ok; else bad "crash: $acked acknowledged, $found recorded"; fi
fi

# --- differential: tanhui against an independent awk reading of measurement.md ---
seeds="1 2 3"
[ "$LONG" = "1" ] && seeds=$(seq 1 40)
for s in $seeds; do
    n=$((500 + s * 137))
    "$T" gen-inventory --parcels $n --seed "$s" --before "$D/db.csv" --after "$D/da.csv" >/dev/null
    got=$("$T" measure --before "$D/db.csv" --after "$D/da.csv" --json | sed 's/^{[^{]*"change_tco2e":\([^,]*\),.*/\1/')
    want=$(awk -F, '
        FNR == 1 { file++; next }
        file == 1 { a[$2] = $5; b[$2] = $6; cf[$2] = $7; next }      # params: name_zh
        { v = $9; B = v > 0 ? a[$7] * v + b[$7] : 0; S = $8 * B * cf[$7] * 44 / 12 }
        file == 2 { s[$1] -= S; next }
        file == 3 { s[$1] += S }
        END { for (k in s) t += s[k]; printf "%.6f\n", t }' data/params-default.csv "$D/db.csv" "$D/da.csv")
    if awk -v g="$got" -v w="$want" 'BEGIN { d = g - w; if (d < 0) d = -d; exit !(d <= 1e-6 * (w < 0 ? -w : w) + 1e-6) }'; then ok
    else bad "differential seed $s: tanhui $got, awk $want"; fi
done

# --- crash: kill -9 at random moments; an output file is complete or absent, never partial ---
kills=8
[ "$LONG" = "1" ] && kills=200
"$T" gen-inventory --parcels 60000 --seed 11 --before "$D/ref_b.csv" --after "$D/ref_a.csv" >/dev/null
ref_b=$(cksum <"$D/ref_b.csv")
ref_a=$(cksum <"$D/ref_a.csv")
i=0
while [ $i -lt $kills ]; do
    i=$((i + 1))
    rm -f "$D"/k_*
    "$T" gen-inventory --parcels 60000 --seed 11 --before "$D/k_b.csv" --after "$D/k_a.csv" >/dev/null 2>&1 &
    pid=$!
    # sleep a pseudo-random 0-150 ms
    ms=$(( (i * 7919) % 150 ))
    sleep "0.$(printf '%03d' $ms)"
    kill -9 $pid 2>/dev/null
    wait $pid 2>/dev/null
    good=1
    [ -e "$D/k_b.csv" ] && [ "$(cksum <"$D/k_b.csv")" != "$ref_b" ] && good=0
    [ -e "$D/k_a.csv" ] && [ "$(cksum <"$D/k_a.csv")" != "$ref_a" ] && good=0
    [ $good -eq 1 ] && ok || bad "kill $i left a partial output"
done

echo "cli: $pass passed, $fail failed"
[ $fail -eq 0 ]
