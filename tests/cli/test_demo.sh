#!/bin/sh
# test_demo.sh — `tanhui demo`: the demo registry is whole (check and log verify pass), the same
# seed and clock give the same registry, its trading days are weekdays before today, its books
# have both sides, a certificate names its log entry, and a bad call changes nothing.
#
#   tests/cli/test_demo.sh BINARY        prints "demo: N passed, N failed"
set -u
T=${1:?usage: test_demo.sh BINARY}
D=$(mktemp -d "${TMPDIR:-/tmp}/tanhui-demo.XXXXXX")
trap 'rm -rf "$D"' EXIT
. "$(dirname "$0")/lib.sh"
json() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const o=JSON.parse(s);console.log(eval(process.argv[1]))})' "$1"; }

# Monday 2026-11-30 10:00 in Shanghai: the five trading days are the week before
export TANHUI_NOW=2026-11-30T02:00:00Z
expect 0 demo -- "$T" --db "$D/a.db" demo --parcels 1500 --days 5 --json
cp "$D/out" "$D/a.json"
[ "$(json 'o.logins.length' <"$D/a.json")" = 4 ] && ok || bad "demo: four logins"
[ "$(json 'o.logins.map(l=>l.role).sort().join()' <"$D/a.json")" = "holder,operator,owner,verifier" ] && ok || bad "demo: one login per role"
[ "$(json 'o.logins.every(l=>l.password.length>=20)' <"$D/a.json")" = true ] && ok || bad "demo: strong passwords"
[ "$(json 'o.trades>100' <"$D/a.json")" = true ] && ok || bad "demo: trading history"
[ "$(ls "$D/a.db.inventories"/*.gpkg | wc -l)" = 20 ] && ok || bad "demo: an inventory pair per county (GeoPackage)"
expect 0 demo-check -- "$T" --db "$D/a.db" check
expect 0 demo-log-verify -- "$T" --db "$D/a.db" log verify
expect 0 demo-projects -- "$T" --db "$D/a.db" project list --json
[ "$(json 'o.projects.length' <"$D/out")" = 11 ] && ok || bad "demo: ten county projects and one without a report"
[ "$(sqlite3 "$D/a.db" "SELECT count(*) FROM reports WHERE status = 'issued'")" = 10 ] && ok || bad "demo: ten reports issued"
expect 0 demo-report -- "$T" --db "$D/a.db" report show 1 --json
has "$D/out" "\"path\":\"$(cd "$D" && pwd -P)/a.db.inventories/" "demo: a report names its inventories by absolute path (the maps read them again)"
expect 0 demo-bars -- "$T" --db "$D/a.db" bars SGFC-2024 --interval 1d --json
[ "$(json 'o.bars.map(b=>b.start).join()' <"$D/out")" = "2026-11-23,2026-11-24,2026-11-25,2026-11-26,2026-11-27,2026-11-30" ] && ok || bad "demo: weekdays before today, and today: $(json 'o.bars.map(b=>b.start).join()' <"$D/out")"
expect 0 demo-book -- "$T" --db "$D/a.db" book SGFC-2024 --json
[ "$(json 'o.bids.length>=3 && o.asks.length>=3' <"$D/out")" = true ] && ok || bad "demo: a book on both sides"
expect 0 demo-sessions -- "$T" --db "$D/a.db" session list --json
has "$D/out" '"open"' "demo: today's sessions open"
expect 0 demo-auction -- "$T" --db "$D/a.db" auction show 1 --json
has "$D/out" '"settled"' "demo: the auction settled by the clock"
expect 0 demo-blocks -- "$T" --db "$D/a.db" block list --json
has "$D/out" '"accepted"' "demo: a block trade"
id=$(sqlite3 "$D/a.db" "SELECT max(id) FROM moves WHERE kind = 'retirement'")
[ -n "$id" ] && ok || bad "demo: retirements"
expect 0 demo-certificate -- "$T" --db "$D/a.db" certificate "$id" --json
idx=$(json 'o.log_index' <"$D/out")
expect 0 demo-cert-entry -- "$T" --db "$D/a.db" log entry "$idx"
has "$D/out" "\"move\":$id," "demo: the certificate's log entry is its retirement's"
has "$D/out" '"type":"retire"' "demo: the certificate's log entry is a retirement"
expect 0 demo-users -- "$T" --db "$D/a.db" user list --json
[ "$(json 'o.users.length' <"$D/out")" = 4 ] && ok || bad "demo: four users"

# the same seed and clock: the same registry (not the log's root: its first entry holds the key)
expect 0 demo-again -- "$T" --db "$D/b.db" demo --parcels 1500 --days 5
has "$D/out" "password" "demo: logins printed"
for db in a b; do "$T" --db "$D/$db.db" trades --json; "$T" --db "$D/$db.db" supply --json; "$T" --db "$D/$db.db" log size; done >"$D/r"
n=$(wc -l <"$D/r")
[ "$(sed -n "1,$((n / 2))p" "$D/r")" = "$(sed -n "$((n / 2 + 1)),${n}p" "$D/r")" ] && ok || bad "demo: the same seed gives the same registry"
"$T" --db "$D/a.db" supply --json >"$D/sa"
expect 0 demo-seed -- "$T" --db "$D/c.db" demo --parcels 1500 --days 2 --seed 7
"$T" --db "$D/c.db" supply --json >"$D/sc"
cmp -s "$D/sa" "$D/sc" && bad "demo: another seed, another registry" || ok

# bad calls change nothing
cksum <"$D/a.db" >"$D/before"
expect 2 demo-exists -- "$T" --db "$D/a.db" demo
has "$D/err" "already there" "demo: refuses an existing database"
cksum <"$D/a.db" | cmp -s - "$D/before" && ok || bad "demo: the existing database unchanged"
expect 2 demo-days -- "$T" --db "$D/d.db" demo --days 0
has "$D/err" "--days 1..30" "demo: --days range said"
[ -e "$D/d.db" ] && bad "demo: a bad call made a database" || ok
expect 2 demo-parcels -- "$T" --db "$D/d.db" demo --parcels lots
expect 2 demo-arg -- "$T" --db "$D/d.db" demo extra
# a failure half way (an inventory cannot be written) leaves no database, key or inventory behind
mkdir -p "$D/e.db.inventories/乐昌市-2019.gpkg"
touch "$D/e.db.inventories/mine.txt"
expect 1 demo-halfway -- "$T" --db "$D/e.db" demo --parcels 600 --days 1
[ ! -e "$D/e.db" ] && [ ! -e "$D/e.db.key" ] && ok || bad "demo: a failed demo left its database or key"
[ "$(ls "$D/e.db.inventories" | sort | tr '\n' ' ')" = "mine.txt 乐昌市-2019.gpkg " ] && ok || bad "demo: a failed demo left inventories: $(ls "$D/e.db.inventories")"
# and the directory it made itself goes too
touch "$D/f.db.key"
expect 2 demo-key -- "$T" --db "$D/f.db" demo --parcels 600 --days 1
[ ! -e "$D/f.db" ] && [ ! -e "$D/f.db.inventories" ] && [ -e "$D/f.db.key" ] && ok || bad "demo: a refused key left the directory, or took the file that was there"
expect 0 demo-help -- "$T" help demo
has "$D/out" "usage: tanhui [--db PATH] demo" "help demo"

echo "demo: $pass passed, $fail failed"
[ $fail -eq 0 ]
