#!/usr/bin/env bash
# WriteLog over gRPC, store-less, on ONE connection with 100 concurrent streams: our server
# (core/grpc, build/bin/grpc_test_server, one worker) against a grpc-go server with the same
# handler (bench/peers/grpc_log_server), one after the other in the same run. Each server is
# pinned to core 0 (taskset), the load generator (bench/peers/grpc_load, a grpc-go client) to
# core 1. Prints calls/s, calls per server CPU-second (utime + stime from /proc/PID/stat over
# the measured window), p50 and p99, and the ratio per CPU-second.
#   bench/grpc_bench.sh [--quick] [--duration 10] [--warmup 2] [--streams 100]
#   (--quick: 3 s after a 1 s warm-up, as scripts/bench --quick runs it)
set -euo pipefail
source "$(dirname "$0")/../scripts/lib/common.sh"
cd "$REPO_ROOT"

duration=10 warmup=2 streams=100
while (($#)); do
  case $1 in
    --quick) duration=3 warmup=1; shift ;;
    --duration) duration=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --streams) streams=$2; shift 2 ;;
    *) ms_die "unknown option $1" ;;
  esac
done
for n in "$duration" "$warmup" "$streams"; do
  [[ $n =~ ^[1-9][0-9]*$ ]] || ms_die "whole numbers only, got \"$n\""
done
command -v taskset >/dev/null || ms_die "taskset is not installed (util-linux)"
go=$(command -v go || echo /usr/local/go/bin/go)

server_core=0 load_core=1
if (($(nproc) < 2)); then
  echo "warning: one core only: server and load generator share it" >&2
  load_core=0
fi

out=$REPO_ROOT/.run/bench
mkdir -p "$out"
scripts/build grpc_test_server >/dev/null
(cd bench/peers && GOFLAGS=-mod=mod GOPROXY=off "$go" build -o "$out/" ./grpc_log_server ./grpc_load) ||
  ms_die "cannot build bench/peers"

server_pid=
cleanup() {
  [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
}
trap cleanup EXIT

# start_server LOG CMD...: starts CMD pinned to the server core; sets server_pid, server_port.
start_server() {
  local log=$1
  shift
  taskset -c "$server_core" "$@" >"$log" 2>&1 &
  server_pid=$!
  local i
  for ((i = 0; i < 100; i++)); do
    server_port=$(awk '/^listening on/ {print $3; exit}' "$log")
    [[ -n $server_port ]] && return 0
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  ms_die "server did not start (see $log): $(tail -3 "$log")"
}

# measure NAME: runs the load against the started server; prints its result line.
measure() {
  local line
  line=$(GOMAXPROCS=1 taskset -c "$load_core" "$out/grpc_load" -addr "127.0.0.1:$server_port" \
    -streams "$streams" -warmup "${warmup}s" -duration "${duration}s" -pid "$server_pid")
  kill "$server_pid"
  wait "$server_pid" 2>/dev/null || true
  server_pid=
  echo "$1 $line"
}

start_server "$out/grpc_ours.log" build/bin/grpc_test_server --port 0 --workers 1
ours=$(measure ours)
start_server "$out/grpc_go.log" env GOMAXPROCS=1 "$out/grpc_log_server"
theirs=$(measure grpc-go)

field() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<"$1"; }
printf 'WriteLog, 1 connection, %d streams, %ds after %ds warm-up; server on core %d, load on core %d\n' \
  "$streams" "$duration" "$warmup" "$server_core" "$load_core"
printf '%-10s %10s %16s %9s %9s %7s\n' server "calls/s" "calls/CPU-s" "p50 ms" "p99 ms" errors
for r in "$ours" "$theirs"; do
  printf '%-10s %10s %16s %9s %9s %7s\n' "${r%% *}" "$(field "$r" calls_per_s)" \
    "$(field "$r" calls_per_cpu_s)" "$(field "$r" p50_ms)" "$(field "$r" p99_ms)" "$(field "$r" errors)"
done
awk -v a="$(field "$ours" calls_per_cpu_s)" -v b="$(field "$theirs" calls_per_cpu_s)" \
  'BEGIN {if (b > 0) printf "ours / grpc-go per server CPU-second: %.2f\n", a / b}'
