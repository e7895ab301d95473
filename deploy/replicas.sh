#!/usr/bin/env bash
# Start N embedviz replicas on this machine with nginx in front, wait until all are healthy, and stop
# everything cleanly on Ctrl-C / SIGTERM / exit.
#
#   deploy/replicas.sh                       # 3 replicas, proxy on http://127.0.0.1:8080
#   REPLICAS=4 LISTEN=0.0.0.0:80 MEMORY_TOTAL_MB=6000 deploy/replicas.sh
#   deploy/replicas.sh --config-only DIR     # only write DIR/nginx.conf (used by tests/test_deploy.py)
#
# Settings (environment):
#   REPLICAS         number of Streamlit processes (default 3); one per core is a good start
#   LISTEN           nginx's listen address (default 127.0.0.1:8080)
#   PORT_BASE        replica i listens on 127.0.0.1:PORT_BASE+i (default 8601)
#   MEMORY_TOTAL_MB  memory for all replicas together; each gets EMBEDVIZ_MEMORY_LIMIT_MB = total / N
#                    (read by the app's memory budget; default 2048)
#   WORKDIR          where nginx's config, pid, logs and the replica logs go (default: a new temp dir)
#   STREAMLIT        the streamlit executable (default: streamlit on PATH); NGINX_BIN likewise (default nginx)
# Needs bash, curl, nginx and the app's Python environment.
# When ready it prints "READY <proxy url> <workdir>"; WORKDIR/replicas.tsv lists "index port pid" per replica.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
REPLICAS="${REPLICAS:-3}"
LISTEN="${LISTEN:-127.0.0.1:8080}"
PORT_BASE="${PORT_BASE:-8601}"
MEMORY_TOTAL_MB="${MEMORY_TOTAL_MB:-2048}"
STREAMLIT="${STREAMLIT:-streamlit}"
NGINX_BIN="${NGINX_BIN:-nginx}"

# Write WORKDIR/nginx.conf from the template: one `server` line per replica, passive health on each.
render_config() {
  local dir="$1" servers="" i
  for ((i = 0; i < REPLICAS; i++)); do
    servers+="        server 127.0.0.1:$((PORT_BASE + i)) max_fails=1 fail_timeout=10s;"$'\n'
  done
  mkdir -p "$dir/tmp"
  local template
  template="$(<"$ROOT/deploy/nginx.conf.template")"
  template="${template//@PREFIX@/$dir}"
  template="${template//@LISTEN@/$LISTEN}"
  printf '%s\n' "${template//@UPSTREAM_SERVERS@/${servers%$'\n'}}" >"$dir/nginx.conf"
}

if [[ "${1:-}" == "--config-only" ]]; then
  render_config "${2:?usage: replicas.sh --config-only DIR}"
  exit 0
fi

WORKDIR="${WORKDIR:-$(mktemp -d -t embedviz-replicas.XXXXXX)}"
mkdir -p "$WORKDIR"
# Started by root, nginx's workers run as `nobody` and must reach their file cache inside WORKDIR
# (mktemp makes it 0700).
chmod 0755 "$WORKDIR"
: >"$WORKDIR/replicas.tsv"
PIDS=()

stop_all() {
  trap - EXIT INT TERM
  echo "stopping nginx and ${#PIDS[@]} processes (logs kept in $WORKDIR)" >&2
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# One secret for all replicas: the XSRF cookie a browser got from one replica must be valid on the one it
# may be moved to. Passed by environment, not on the command line (ps would show it).
export STREAMLIT_SERVER_COOKIE_SECRET="${STREAMLIT_SERVER_COOKIE_SECRET:-$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')}"
export EMBEDVIZ_MEMORY_LIMIT_MB=$((MEMORY_TOTAL_MB / REPLICAS))

cd "$ROOT"
for ((i = 0; i < REPLICAS; i++)); do
  port=$((PORT_BASE + i))
  "$STREAMLIT" run app.py --server.address 127.0.0.1 --server.port "$port" --server.headless true \
    >"$WORKDIR/replica-$i.log" 2>&1 &
  PIDS+=("$!")
  printf '%s\t%s\t%s\n' "$i" "$port" "$!" >>"$WORKDIR/replicas.tsv"
done

render_config "$WORKDIR"
"$NGINX_BIN" -p "$WORKDIR" -c "$WORKDIR/nginx.conf" -e "$WORKDIR/error.log" &
PIDS+=("$!")

# Wait (up to 120 s: the replicas share the cores while they import torch) for every replica, then nginx.
healthy() { [[ "$(curl -fsS --max-time 2 "$1/_stcore/health" 2>/dev/null)" == "ok" ]]; }
deadline=$((SECONDS + 120))
for ((i = 0; i < REPLICAS; i++)); do
  until healthy "http://127.0.0.1:$((PORT_BASE + i))"; do
    ((SECONDS < deadline)) || { echo "replica $i did not become healthy, see $WORKDIR/replica-$i.log" >&2; exit 1; }
    kill -0 "${PIDS[$i]}" 2>/dev/null || { echo "replica $i exited, see $WORKDIR/replica-$i.log" >&2; exit 1; }
    sleep 0.5
  done
done
until healthy "http://$LISTEN"; do
  ((SECONDS < deadline)) || { echo "nginx did not answer, see $WORKDIR/error.log" >&2; exit 1; }
  kill -0 "${PIDS[-1]}" 2>/dev/null || { echo "nginx exited, see $WORKDIR/error.log" >&2; exit 1; }
  sleep 0.2
done
echo "READY http://$LISTEN $WORKDIR"

# Run until stopped. If a process dies on its own, say so once and keep the rest serving (nginx routes
# around a dead replica). A signal interrupts `wait` and the traps stop everything.
declare -A reported=()
while true; do
  wait -n "${PIDS[@]}" 2>/dev/null || sleep 1
  for pid in "${PIDS[@]}"; do
    if [[ -z "${reported[$pid]:-}" ]] && ! kill -0 "$pid" 2>/dev/null; then
      reported[$pid]=1
      echo "process $pid has stopped" >&2
    fi
  done
done
