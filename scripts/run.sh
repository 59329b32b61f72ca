#!/bin/sh
# scripts/run.sh — `make run`: a fresh demo registry (tanhui demo: ten county projects, days of
# trading, one login per role) served with the web app by tanhui serve, until Ctrl-C.
#
#   TANHUI_LISTEN=ADDR:PORT   where to listen (default 127.0.0.1:8080)
#   TANHUI_DEMO_PARCELS=N     the demo inventory's size (default 6000)
set -eu
cd "$(dirname "$0")/.."
db=demo/tanhui.db
listen=${TANHUI_LISTEN:-127.0.0.1:8080}
mkdir -p demo
# a new demo each time: its logins are shown once
rm -rf "$db" "$db-wal" "$db-shm" "$db.key" "$db.inventories" "$db.uploads" "$db.serve"
echo "== tanhui demo: the demo registry in $db =="
build/tanhui --db "$db" demo --parcels "${TANHUI_DEMO_PARCELS:-6000}"
echo
echo "== tanhui serve: open http://$listen/ in a browser (Ctrl-C stops the server) =="
echo "   the JSON API: http://$listen/api/v1/openapi.json"
exec build/tanhui --db "$db" serve --listen "$listen" --web build/web
