#!/bin/sh
# tests/run.sh — the whole suite, as `make test` runs it: unit tests and black-box CLI tests,
# each under the plain build and the ASan+UBSan build, the web app's tests (its log checks under
# Node, and end to end in Chromium, screenshots in build/e2e/), and the fuzz corpus replayed under
# the sanitizers. Prints every part's summary, then one last line "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
export ASAN_OPTIONS="abort_on_error=0:detect_leaks=1:${ASAN_OPTIONS:-}"
export LSAN_OPTIONS="suppressions=$(pwd)/tests/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
log=$(mktemp "${TMPDIR:-/tmp}/tanhui-run.XXXXXX")
trap 'rm -f "$log"' EXIT
total_pass=0
total_fail=0
part() {
    name=$1
    shift
    start=$(date +%s)
    "$@" >"$log" 2>&1
    status=$?
    line=$(grep -E '[0-9]+ passed, [0-9]+ failed' "$log" | tail -1)
    set -- $(echo "$line" | awk '{ for (i = 1; i < NF; i++) { if ($(i + 1) == "passed,") p = $i;
                                                           if ($(i + 1) ~ /^failed/) f = $i } }
                               END { print p + 0, f + 0 }')
    p=$1
    f=$2
    if [ $status -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1 # a crash or sanitizer report before the summary
    fi
    if [ "$f" -ne 0 ]; then
        grep -vE '^(ok|  CC)' "$log" | tail -40
    fi
    echo "$name: $p passed, $f failed ($(( $(date +%s) - start ))s)"
    total_pass=$((total_pass + p))
    total_fail=$((total_fail + f))
}
part "unit" build/test-unit
part "unit (asan+ubsan)" build/asan/test-unit
part "cli" tests/cli/test_cli.sh build/tanhui
part "cli (asan+ubsan)" tests/cli/test_cli.sh build/asan/tanhui
part "demo" tests/cli/test_demo.sh build/tanhui
part "demo (asan+ubsan)" tests/cli/test_demo.sh build/asan/tanhui
part "web: log checks" node tests/web/test_merkle.mjs build/tanhui
part "web: locales" node tests/web/test_locales.mjs
part "web: end to end (chromium)" node tests/e2e/e2e.mjs build/tanhui build/web build/e2e
part "fuzz corpus (asan+ubsan)" build/fuzz-csv-replay tests/fuzz/corpus/csv
part "book fuzz corpus (asan+ubsan)" build/fuzz-replay-replay tests/fuzz/corpus/replay
part "request fuzz corpus (asan+ubsan)" build/fuzz-request-replay tests/fuzz/corpus/request
# make install honours PREFIX and DESTDIR
install_check() {
    dest=$(mktemp -d "${TMPDIR:-/tmp}/tanhui-install.XXXXXX")
    n=0
    make --no-print-directory install PREFIX=/opt/th DESTDIR="$dest" >/dev/null &&
        "$dest/opt/th/bin/tanhui" --version >/dev/null && n=$((n + 1))
    [ -f "$dest/opt/th/share/man/man1/tanhui.1" ] && n=$((n + 1))
    [ -f "$dest/opt/th/share/tanhui/params-default.csv" ] && n=$((n + 1))
    rm -rf "$dest"
    echo "install: $n passed, $((3 - n)) failed"
}
part "make install" install_check
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
