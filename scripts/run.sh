#!/usr/bin/env bash
# The local demo: gunicorn and the task worker side by side. Ctrl-C (or either one ending)
# stops both. Called by `make run`, which has set the environment (key, plain-HTTP opt-outs).
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}

"$BIN/python" manage.py worker --verbosity 0 &
worker=$!
"$BIN/gunicorn" skreddersy.wsgi --config gunicorn.conf.py --bind "$HOST:$PORT" --workers 2 --access-logfile - &
server=$!

stop() {
  trap - INT TERM
  kill -TERM "$server" "$worker" 2>/dev/null
  wait "$server" "$worker" 2>/dev/null
}
trap 'stop; exit 130' INT TERM
wait -n "$server" "$worker"
rc=$?
if [ "$rc" -ne 0 ]; then
  echo "skreddersy: $(kill -0 "$server" 2>/dev/null && echo "the task worker" || echo "the web server") stopped (exit $rc); stopping the other" >&2
fi
stop
exit "$rc"
