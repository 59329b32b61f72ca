#!/bin/sh
# scripts/deps.sh — install the Debian packages tanhui needs, only when they are missing.
#
#   scripts/deps.sh build    compiler, pkg-config, GDAL, OpenSSL's libcrypto, SQLite, jansson,
#                            libmicrohttpd (tanhui serve), libsodium (Argon2id passwords),
#                            tzdata (the trading calendar's zone names)
#   scripts/deps.sh web      build + nodejs and npm (the web app's libraries come from npm)
#   scripts/deps.sh test     web + gdal-bin (the tests read GeoPackages back with ogrinfo),
#                            sqlite3 (they tamper with a database to see `tanhui check` fail),
#                            curl, chromium (the web app's end-to-end tests) and a Chinese font
#                            (fonts-wqy-microhei: the screenshots show the Chinese pages)
#   scripts/deps.sh bench    the same (sqlite3 is also the baseline the benchmark compares with),
#                            and wrk and nginx (bench-http: nginx's static file is the ceiling),
#                            libh2o-evloop-dev (bench-layers compares it with libmicrohttpd);
#                            bench_web.mjs uses chromium
#   scripts/deps.sh fuzz     build + clang and its libFuzzer runtime
#
# Runs apt-get as root, or through sudo otherwise. Prints nothing when all is there.
set -eu
want=${1:-build}

pkgs=""
need() { pkgs="$pkgs $1"; }

command -v cc >/dev/null 2>&1 || need build-essential
command -v make >/dev/null 2>&1 || need make
command -v pkg-config >/dev/null 2>&1 || need pkg-config
if command -v pkg-config >/dev/null 2>&1; then
    pkg-config --exists gdal 2>/dev/null || need libgdal-dev
    pkg-config --exists libcrypto 2>/dev/null || need libssl-dev
    pkg-config --exists sqlite3 2>/dev/null || need libsqlite3-dev
    pkg-config --exists jansson 2>/dev/null || need libjansson-dev
    pkg-config --exists libmicrohttpd 2>/dev/null || need libmicrohttpd-dev
    pkg-config --exists libsodium 2>/dev/null || need libsodium-dev
else
    need libgdal-dev
    need libssl-dev
    need libsqlite3-dev
    need libjansson-dev
    need libmicrohttpd-dev
    need libsodium-dev
fi
# the zone database: `calendar set --tz NAME` looks a zone up in it
[ -e /usr/share/zoneinfo/Asia/Shanghai ] || need tzdata
case $want in
web | test | bench)
    command -v node >/dev/null 2>&1 || need nodejs
    command -v npm >/dev/null 2>&1 || need npm
    ;;
esac
case $want in
test | bench)
    command -v ogrinfo >/dev/null 2>&1 || need gdal-bin
    command -v sqlite3 >/dev/null 2>&1 || need sqlite3
    command -v curl >/dev/null 2>&1 || need curl
    ;;
esac
if [ "$want" = test ] || [ "$want" = bench ]; then
    [ -x /usr/bin/chromium ] || need chromium
    [ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || need fonts-wqy-microhei
fi
if [ "$want" = bench ]; then
    command -v wrk >/dev/null 2>&1 || need wrk
    [ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 || need nginx-light
    pkg-config --exists libh2o-evloop 2>/dev/null || need libh2o-evloop-dev
fi
case $want in
fuzz)
    command -v clang >/dev/null 2>&1 || need clang
    ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1 ||
        need "$(apt-cache search --names-only '^libclang-rt-[0-9]+-dev$' 2>/dev/null |
            sort -V | tail -1 | cut -d' ' -f1)"
    ;;
esac

[ -z "$pkgs" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
    sudo=""
elif command -v sudo >/dev/null 2>&1; then
    sudo="sudo"
else
    echo "tanhui: these Debian packages are missing and I am not root and have no sudo:$pkgs" >&2
    exit 1
fi
echo "tanhui: installing Debian packages:$pkgs" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >&2
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $pkgs >&2
