#!/usr/bin/env bash
# Tracing's cost on the broker's `POST /`, in one run: the same broker binary with tracing off
# (no endpoint), on at TRACE_SAMPLE_RATIO 1.0 and at 0.01, each exporting to a real collector
# (Jaeger of the profile's servers, or OTLP_ENDPOINT), measured with wrk like bench/http_hit.sh
# (2 threads, 256 connections). The three alternate for --rounds rounds, so that a load that
# comes and goes on the machine touches each alike; prints each one's median req/s, p99 and
# requests per CPU-second of the broker (all its threads, the exporter's included), each with
# its ratio to tracing off. On a shared machine req/s also counts what the collector and every
# other process take from the broker's cores; per CPU-second counts the broker's own work only
# (recording, handing over, encoding, sending).
#   bench/trace_overhead.sh [--duration 10s] [--rounds 3] [--connections 256] [--workers N]
#                           [--profile dev|test]
set -euo pipefail
source "$(dirname "$0")/../scripts/lib/common.sh"
source "$REPO_ROOT/scripts/lib/profile.sh"
source "$REPO_ROOT/scripts/lib/bench.sh"
cd "$REPO_ROOT"

duration=10s rounds=3 connections=256 workers=$(nproc) profile=${MS_PROFILE:-dev}
while (($#)); do
  case $1 in
    --duration) duration=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --workers) workers=$2; shift 2 ;;
    --profile) profile=$2; shift 2 ;;
    *) ms_die "unknown option $1" ;;
  esac
done
[[ $duration =~ ^[0-9]+s$ ]] || ms_die "--duration wants whole seconds (10s), got $duration"
ms_profile "$profile"
endpoint=${OTLP_ENDPOINT:-http://127.0.0.1:$JAEGER_OTLP_PORT}
ms_tcp_open "${endpoint##*:}" || ms_die "no collector at $endpoint (scripts/servers start jaeger --profile $profile)"

port=${BENCH_BROKER_PORT:-18080}
out=$REPO_ROOT/.run/bench
mkdir -p "$out"
scripts/build broker >/dev/null

broker_pid=
cleanup() { [[ -n $broker_pid ]] && kill "$broker_pid" 2>/dev/null && wait "$broker_pid" 2>/dev/null || true; }
trap cleanup EXIT

run_wrk() {  # prints "req_per_s p99_ms"
  wrk -t2 -c"$connections" -d"$duration" --latency -s bench/wrk/post_empty.lua "http://127.0.0.1:$port/" |
    awk '/Requests\/sec/ {rps=$2} /^ *99%/ {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; p99=v}
         END {printf "%d %.2f\n", rps, p99}'
}

# measure LABEL ENV...: one broker with that environment, measured, stopped.
measure() {
  local label=$1
  shift
  env -u OTEL_EXPORTER_OTLP_ENDPOINT -u OTEL_EXPORTER_OTLP_TRACES_ENDPOINT -u TRACE_SAMPLE_RATIO \
    PORT=$port WORKERS=$workers LOG_LEVEL=warn "$@" build/bin/broker >"$out/broker-$label.log" 2>&1 &
  broker_pid=$!
  ms_wait_until 10 "broker ($label)" "$out/broker-$label.log" ms_tcp_open "$port"
  sleep 0.3
  local t0 t1 secs
  secs=${duration%s}
  t0=$(bench_cpu_ticks "$broker_pid")
  read -r rps p99 < <(run_wrk)
  t1=$(bench_cpu_ticks "$broker_pid")
  kill "$broker_pid"
  wait "$broker_pid" 2>/dev/null || true
  broker_pid=
  # requests per CPU-second: req/s * seconds / (ticks / ticks per second)
  printf '%s %s %s %s\n' "$label" "$rps" "$p99" \
    "$(awk -v r="$rps" -v s="$secs" -v t=$((t1 - t0)) -v hz="$(getconf CLK_TCK)" \
      'BEGIN { printf "%d", (t > 0 ? r * s * hz / t : 0) }')"
}

results=$(
  for ((r = 0; r < rounds; r++)); do
    measure off
    measure ratio-1.0 OTEL_EXPORTER_OTLP_ENDPOINT="$endpoint" OTEL_SERVICE_NAME=broker-bench TRACE_SAMPLE_RATIO=1.0
    measure ratio-0.01 OTEL_EXPORTER_OTLP_ENDPOINT="$endpoint" OTEL_SERVICE_NAME=broker-bench TRACE_SAMPLE_RATIO=0.01
  done
)
echo "every run (label req/s p99_ms req_per_cpu_s):"
sed 's/^/  /' <<<"$results"
# median LABEL FIELD: the median of that column over the rounds.
median() { awk -v l="$1" -v f="$2" '$1 == l { print $f }' <<<"$results" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
off=$(median off 2)
off_cpu=$(median off 4)
printf '%-30s %12s %10s %8s %14s %8s\n' "broker POST / (wrk -t2 -c$connections -d$duration, median of $rounds)" \
  "req/s" "p99 ms" "vs off" "req/cpu-s" "vs off"
for label in off ratio-1.0 ratio-0.01; do
  rps=$(median "$label" 2)
  cpu=$(median "$label" 4)
  awk -v l="$label" -v r="$rps" -v p="$(median "$label" 3)" -v o="$off" -v c="$cpu" -v oc="$off_cpu" \
    'BEGIN { printf "%-30s %12d %10.2f %7.1f%% %14d %7.1f%%\n", "tracing " l, r, p, 100 * r / o, c, 100 * c / oc }'
done
