#!/usr/bin/env bash
# The whole suite on SQLite and on PostgreSQL (TEST_DATABASE_URL, or the local server at
# 127.0.0.1:5432 when it answers). Each pass must run tests: pytest's exit code 5 ("no tests
# collected") fails the run.
#
# Without arguments the suite runs in three lanes at once, each its own pytest process with its
# own test database, its log in test-results/pass-<lane>.log (printed when it ends):
#   sqlite      everything that touches the database, on SQLite
#   once        the browser journeys, the peer comparisons (PSPP, R) and schemathesis over the API,
#               on SQLite: once is enough, they test the pages and the API contract, not the database
#   postgresql  the same as the sqlite lane, on PostgreSQL (with the tests only PostgreSQL can run:
#               row locks under concurrency)
# Run one after another they took over half an hour on a two-core machine; side by side the run
# takes as long as the slowest lane. SKREDDERSY_TEST_SERIAL=1 runs the lanes one after another.
# With arguments (a path, -k, -x ...) the lanes are not split: the arguments go to one pass on
# SQLite (all markers), then to one on PostgreSQL (without the once-only markers).
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
mkdir -p test-results
rm -f test-results/passes.txt test-results/pass-*.log test-results/pass-*.rc
ONCE="browser or peers or schema"

"$BIN/ruff" check . || { echo "ruff found problems"; exit 1; }
# The layering contracts (.importlinter), once, before the test passes.
"$BIN/lint-imports" --no-cache || { echo "import-linter contracts broken"; exit 1; }

pg_url="${TEST_DATABASE_URL:-}"
if [ -z "$pg_url" ]; then
  if "$BIN/python" - <<'PY'
import socket, sys
s = socket.socket(); s.settimeout(2)
try:
    s.connect(("127.0.0.1", 5432))
except OSError:
    sys.exit(1)
PY
  then
    pg_url="postgres://postgres@127.0.0.1:5432/skreddersy"
  fi
fi
sqlite_url="sqlite:///$(pwd)/test-results/unused.sqlite3"

# run_lane NAME DATABASE_URL PYTEST-ARGS...: one pytest process, its output to its log.
run_lane() {
  local name=$1 url=$2; shift 2
  local start; start=$(date +%s)
  DATABASE_URL="$url" "$BIN/python" -m pytest "$@" > "test-results/pass-$name.log" 2>&1
  local rc=$?
  echo "rc=$rc seconds=$(( $(date +%s) - start ))" > "test-results/pass-$name.rc"
  return $rc
}

# report NAME: print the lane's log and judge its exit code; 0 when it passed.
report() {
  local name=$1 rc seconds
  rc=$(sed -n 's/^rc=\([0-9]*\).*/\1/p' "test-results/pass-$name.rc" 2>/dev/null)
  seconds=$(sed -n 's/.*seconds=\([0-9]*\).*/\1/p' "test-results/pass-$name.rc" 2>/dev/null)
  echo "=== test pass: $name (${seconds:-?} s) ==="
  cat "test-results/pass-$name.log"
  if [ "${rc:-1}" -eq 5 ]; then echo "pass $name collected no tests: failing"; return 1; fi
  if [ "${rc:-1}" -ne 0 ]; then echo "pass $name failed (exit ${rc:-?})"; return 1; fi
  echo "$name" >> test-results/passes.txt
}

if [ $# -gt 0 ]; then
  run_lane sqlite "$sqlite_url" "$@"; report sqlite || exit 1
  if [ -n "$pg_url" ]; then
    run_lane postgresql "$pg_url" -m "not ($ONCE)" "$@"; report postgresql || exit 1
  else
    echo "=== no PostgreSQL server reachable: PostgreSQL pass not run ==="
  fi
  exit 0
fi

lanes=(sqlite once)
[ -n "$pg_url" ] && lanes+=(postgresql)
declare -A args=(
  [sqlite]="-m|not ($ONCE)"
  [once]="-m|$ONCE"
  [postgresql]="-m|not ($ONCE)"
)
declare -A urls=([sqlite]="$sqlite_url" [once]="$sqlite_url" [postgresql]="$pg_url")
pids=()
for lane in "${lanes[@]}"; do
  IFS='|' read -r -a lane_args <<< "${args[$lane]}"
  if [ "${SKREDDERSY_TEST_SERIAL:-0}" = 1 ]; then
    run_lane "$lane" "${urls[$lane]}" "${lane_args[@]}"
  else
    run_lane "$lane" "${urls[$lane]}" "${lane_args[@]}" &
    pids+=($!)
  fi
done
[ ${#pids[@]} -gt 0 ] && wait "${pids[@]}"
failed=0
for lane in "${lanes[@]}"; do report "$lane" || failed=1; done
[ -z "$pg_url" ] && echo "=== no PostgreSQL server reachable: PostgreSQL pass not run ==="
exit $failed
