#!/bin/sh
# scripts/web.sh — build the web app into build/web, which `tanhui serve --web build/web` serves.
#
# The app is plain ES modules (web/index.html, web/app/): no bundler. Its libraries come from npm
# (web/package.json, locked by web/package-lock.json) and are copied under build/web/assets/ with
# their content's hash in their names, so that the server may let browsers keep them for good
# (th_static_immutable); web/app/vendor.js is written to import them by those names. Nothing is
# fetched from elsewhere at run time: the app works offline.
set -eu
cd "$(dirname "$0")/.."
# npm trusts the CAs the system trusts (Debian's store, with any local CA a network requires),
# as apt and curl do, rather than only its own list
if [ -z "${NODE_EXTRA_CA_CERTS:-}" ] && [ -f /etc/ssl/certs/ca-certificates.crt ]; then
    export NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
fi
if [ ! -f web/node_modules/.package-lock.json ] ||
    [ web/package-lock.json -nt web/node_modules/.package-lock.json ]; then
    echo "tanhui: installing the web app's npm packages (web/package-lock.json)" >&2
    (cd web && npm ci --no-audit --no-fund --loglevel=error >&2)
fi
out=build/web
tmp=build/web.new
rm -rf "$tmp"
mkdir -p "$tmp/assets/licenses"
cp web/index.html "$tmp/"
cp -R web/app "$tmp/app"
# vendor NAME SOURCE: copy SOURCE to assets/NAME-<hash>.mjs and print that URL
vendor() {
    h=$(sha256sum "$2" | cut -c1-12)
    cp "$2" "$tmp/assets/$1-$h.mjs"
    echo "/assets/$1-$h.mjs"
}
echarts=$(vendor echarts web/node_modules/echarts/dist/echarts.esm.min.mjs)
qrcode=$(vendor qrcode web/node_modules/qrcode-generator/dist/qrcode.mjs)
cp web/node_modules/echarts/LICENSE "$tmp/assets/licenses/echarts-LICENSE.txt"
cp web/node_modules/echarts/NOTICE "$tmp/assets/licenses/echarts-NOTICE.txt"
cat >"$tmp/app/vendor.js" <<JS
// Written by scripts/web.sh: the npm libraries, by their hashed names under /assets/.
// Apache ECharts (Apache-2.0, assets/licenses/) and qrcode-generator (MIT, in its header).
export const loadEcharts = () => import('$echarts');
export const loadQrcode = () => import('$qrcode').then((m) => m.default);
JS
rm -rf "$out"
mv "$tmp" "$out"
