#!/usr/bin/env bash
# The whole suite on SQLite, then again on PostgreSQL when a server is reachable
# (TEST_DATABASE_URL, or the local server at 127.0.0.1:5432). Each pass must run tests:
# pytest's exit code 5 ("no tests collected") fails the run.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
mkdir -p test-results
rm -f test-results/passes.txt

run_pass() {
  local name=$1; shift
  echo "=== test pass: $name ==="
  "$BIN/python" -m pytest "$@"
  local rc=$?
  if [ $rc -eq 5 ]; then echo "pass $name collected no tests: failing"; exit 1; fi
  if [ $rc -ne 0 ]; then echo "pass $name failed (exit $rc)"; exit $rc; fi
  echo "$name" >> test-results/passes.txt
}

"$BIN/ruff" check . || { echo "ruff found problems"; exit 1; }
# The layering contracts (.importlinter), once, before the test passes.
"$BIN/lint-imports" --no-cache || { echo "import-linter contracts broken"; exit 1; }

DATABASE_URL="sqlite:///$(pwd)/test-results/unused.sqlite3" run_pass sqlite "$@"

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
if [ -n "$pg_url" ]; then
  # The browser journeys, the peer comparisons (PSPP, R) and schemathesis over the API ran in the
  # SQLite pass (once is enough: they test the pages and the API contract, not the database); the
  # PostgreSQL pass runs everything else, including the tests that only PostgreSQL can run (row
  # locks under concurrency).
  DATABASE_URL="$pg_url" run_pass postgresql -m "not browser and not peers and not schema" "$@"
else
  echo "=== no PostgreSQL server reachable: PostgreSQL pass not run ==="
fi
