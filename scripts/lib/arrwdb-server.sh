# Sourced by scripts that drive a real server: start_arrwdb BINARY LOG [VAR=VALUE ...] starts
# `BINARY serve` on a free 127.0.0.1 port with those environment variables, waits for /health,
# and sets ARRWDB_PID, ARRWDB_PORT and ARRWDB_BASE; stop_arrwdb stops it with SIGTERM (it
# finishes in-flight requests, writes its snapshot and exits) and waits.

start_arrwdb() {
  local binary=$1 log=$2
  shift 2
  [ -x "$binary" ] || { echo "no arrwdb binary at $binary: swift build -c release --product arrwdb, or set ARRWDB_BIN" >&2; return 1; }
  ARRWDB_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  ARRWDB_BASE=http://127.0.0.1:$ARRWDB_PORT
  env "$@" "$binary" serve --host 127.0.0.1 --port "$ARRWDB_PORT" >"$log" 2>&1 &
  ARRWDB_PID=$!
  for _ in $(seq 1 200); do
    curl -fsS "$ARRWDB_BASE/readiness" >/dev/null 2>&1 && return 0
    kill -0 "$ARRWDB_PID" 2>/dev/null || { cat "$log" >&2; return 1; }
    sleep 0.1
  done
  echo "arrwdb was not ready (/readiness) within 20 s" >&2
  return 1
}

stop_arrwdb() {
  if [ -n "${ARRWDB_PID:-}" ] && kill -0 "$ARRWDB_PID" 2>/dev/null; then
    kill -TERM "$ARRWDB_PID"
    wait "$ARRWDB_PID" 2>/dev/null || true
  fi
}
