# lib.sh — what the black-box test scripts share (sourced; $D is the script's scratch directory):
# the pass/fail counts and the checks that count.
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }

# expect STATUS NAME -- COMMAND...: run, keep stdout/stderr in $D/out and $D/err
expect() {
    want=$1 name=$2
    shift 3
    "$@" >"$D/out" 2>"$D/err"
    got=$?
    if [ "$got" -eq "$want" ]; then ok; else bad "$name: exit $got, expected $want"; sed 's/^/    /' "$D/err" | head -5; fi
}
# has FILE TEXT NAME: FILE contains TEXT
has() { if grep -qF -- "$2" "$1"; then ok; else bad "$3: '$2' not in $1:"; head -5 "$1" | sed 's/^/    /'; fi; }
