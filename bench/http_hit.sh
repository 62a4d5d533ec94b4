#!/usr/bin/env bash
# Broker `POST /` against nginx `return 200` on the same box in the same run (wrk, 2 threads,
# 256 connections), printing req/s, p99 and the ratio, plus the broker's idle RSS.
#   bench/http_hit.sh [--duration 10s] [--connections 256] [--workers N]
set -euo pipefail
source "$(dirname "$0")/../scripts/lib/common.sh"
cd "$REPO_ROOT"

duration=10s connections=256 workers=$(nproc)
while (($#)); do
  case $1 in
    --duration) duration=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --workers) workers=$2; shift 2 ;;
    *) ms_die "unknown option $1" ;;
  esac
done

broker_port=${BENCH_BROKER_PORT:-18080}
nginx_port=${BENCH_NGINX_PORT:-18090}
out=$REPO_ROOT/.run/bench
mkdir -p "$out"
scripts/build broker >/dev/null

# nginx: one worker per core, access log off, a fixed 200 with a body of the broker's size.
cat >"$out/nginx.conf" <<CONF
worker_processes $workers;
pid $out/nginx.pid;
error_log $out/nginx.error.log;
events { worker_connections 4096; }
http {
  access_log off;
  server {
    listen 127.0.0.1:$nginx_port reuseport;
    location / { default_type application/json; return 200 '{"error":false,"message":"Hit the broker"}'; }
  }
}
CONF

cleanup() {
  [[ -f $out/nginx.pid ]] && kill "$(cat "$out/nginx.pid")" 2>/dev/null || true
  [[ -n ${broker_pid:-} ]] && kill "$broker_pid" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup EXIT

nginx -c "$out/nginx.conf" -p "$out"
PORT=$broker_port WORKERS=$workers LOG_LEVEL=warn build/bin/broker >"$out/broker.log" 2>&1 &
broker_pid=$!
ms_wait_until 10 "broker" "$out/broker.log" ms_tcp_open "$broker_port"
ms_wait_until 10 "nginx" "$out/nginx.error.log" ms_tcp_open "$nginx_port"
sleep 0.3
idle_rss_kb=$(awk '/VmRSS/ {print $2}' "/proc/$broker_pid/status")

run_wrk() {  # prints "req_per_s p99_ms"
  wrk -t2 -c"$connections" -d"$duration" --latency -s bench/wrk/post_empty.lua "$1" |
    awk '/Requests\/sec/ {rps=$2} /^ *99%/ {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; p99=v}
         END {printf "%d %.2f\n", rps, p99}'
}

read -r n_rps n_p99 < <(run_wrk "http://127.0.0.1:$nginx_port/")
read -r b_rps b_p99 < <(run_wrk "http://127.0.0.1:$broker_port/")
load_rss_kb=$(awk '/VmRSS/ {print $2}' "/proc/$broker_pid/status")

printf '%-28s %12s %10s\n' "target (wrk -t2 -c$connections -d$duration)" "req/s" "p99 ms"
printf '%-28s %12d %10.2f\n' "nginx return 200" "$n_rps" "$n_p99"
printf '%-28s %12d %10.2f\n' "broker POST /" "$b_rps" "$b_p99"
awk -v b="$b_rps" -v n="$n_rps" 'BEGIN {printf "ratio broker/nginx: %.2f\n", b / n}'
printf 'broker RSS: idle %d KiB, after load %d KiB (workers=%s)\n' "$idle_rss_kb" "$load_rss_kb" "$workers"
