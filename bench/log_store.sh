#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR disable=SC1091  # (followed with shellcheck -x)
# The log store leg of a running system, back to back in one run:
#   writes: the store's own batched insert ceiling (build/bin/mongo_bench, GroupCommit, docs/s)
#           then the log path via RPC (wrk on the broker's POST /handle, action log-rpc),
#           alternating for --rounds rounds; prints each round, the medians and the ratio.
#   reads:  (--reads) GET /logs?limit=50 on the logger, with the history (logs.logs) filled to
#           100,000 and then to 1,000,000 entries: latency (curl, --samples reads) and, on the
#           PostgreSQL backend, the rows the reads touched in FerretDB's tables (pg_stat).
#
#   bench/log_store.sh [--profile dev|test] [--rounds N] [--duration S] [--connections N]
#                      [--reads] [--samples N]
#
# Needs the servers (scripts/servers start) and the logger and broker (scripts/services start
# logger broker) of the profile. Raw output goes to RUN_DIR/bench/.
set -euo pipefail
# shellcheck source=../scripts/lib/common.sh
source "$(dirname "$0")/../scripts/lib/common.sh"
# shellcheck source=../scripts/lib/profile.sh
source "$REPO_ROOT/scripts/lib/profile.sh"

usage() {
  sed -n '3,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//' >&2
  exit 2
}

profile=${MS_PROFILE:-dev} rounds=3 duration=8 connections=64 reads=0 samples=20
while (($#)); do
  case $1 in
    --profile) profile=${2:-}; shift 2 || usage ;;
    --rounds) rounds=${2:-}; shift 2 || usage ;;
    --duration) duration=${2:-}; shift 2 || usage ;;
    --connections) connections=${2:-}; shift 2 || usage ;;
    --samples) samples=${2:-}; shift 2 || usage ;;
    --reads) reads=1; shift ;;
    -h | --help) usage ;;
    *) ms_log "unknown argument: $1"; usage ;;
  esac
done
ms_profile "$profile" || exit 2
[[ -f $ENV_FILE ]] || ms_die "no $ENV_FILE: start the servers (scripts/servers start --profile $MS_PROFILE)"
# shellcheck disable=SC1090
source "$ENV_FILE"
# BENCH_MONGO_URL: the store the logger under test uses, when not the profile's FerretDB.
MONGO_URL=${BENCH_MONGO_URL:-$MONGO_URL}
bin=${MS_BUILD_DIR:-$REPO_ROOT/build}/bin
out=$RUN_DIR/bench
mkdir -p "$out"
broker=http://127.0.0.1:$BROKER_PORT
logger=http://127.0.0.1:$LOGGER_PORT
backend=${BENCH_BACKEND:-${FERRETDB_BACKEND:-sqlite}}

median() { sort -g | awk '{a[NR] = $1} END {if (NR == 0) print "-"; else if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

# ceiling: docs/s of GroupCommit inserts (mongo_bench, 20,000 documents twice).
ceiling() {
  local log=$out/log_store-ceiling-$1.txt
  MONGO_URL=$MONGO_URL "$bin/mongo_bench" --benchmark_filter=BM_InsertGrouped \
    --benchmark_format=json >"$log" 2>&1 || { cat "$log" >&2; ms_die "mongo_bench failed"; }
  jq -r '.benchmarks[0].items_per_second | floor' "$log"
}

# rpc_path: one wrk run of log-rpc; prints "req_per_s p99_ms errors".
rpc_path() {
  local log=$out/log_store-rpc-$1.txt line
  wrk -t1 -c"$connections" -d"${duration}s" --timeout 10s -s "$REPO_ROOT/bench/wrk/broker_action.lua" \
    "$broker/handle" -- log-rpc >"$log" 2>&1 || { cat "$log" >&2; ms_die "wrk failed"; }
  line=$(grep '^RESULT ' "$log" | tail -n1)
  declare -A r=()
  local kv
  for kv in ${line#RESULT }; do r[${kv%%=*}]=${kv#*=}; done
  awk -v n="${r[requests]}" -v d="${r[duration_us]}" -v p="${r[p99_us]}" \
    -v e="$((r[non2xx] + r[connect] + r[read] + r[write] + r[timeout]))" \
    'BEGIN {printf "%.0f %.1f %d\n", n * 1e6 / d, p / 1000, e}'
}

writes() {
  local i c rps p99 err cs=() rs=() ps=() es=()
  printf '\nwrites: backend %s, wrk -t1 -c%s -d%ss, %s rounds, %s cores\n' "$backend" "$connections" "$duration" "$rounds" "$(nproc)"
  printf '%-6s %14s %14s %8s %9s %7s\n' round "ceiling doc/s" "log rpc req/s" ratio "p99 ms" errors
  for ((i = 1; i <= rounds; i++)); do
    c=$(ceiling "$i")
    read -r rps p99 err < <(rpc_path "$i")
    cs+=("$c") rs+=("$rps") ps+=("$p99") es+=("$err")
    printf '%-6s %14s %14s %8s %9s %7s\n' "$i" "$c" "$rps" "$(awk -v a="$rps" -v b="$c" 'BEGIN {printf "%.2f", a / b}')" "$p99" "$err"
  done
  local mc mr
  mc=$(printf '%s\n' "${cs[@]}" | median)
  mr=$(printf '%s\n' "${rs[@]}" | median)
  printf '%-6s %14s %14s %8s %9s %7s\n' median "$mc" "$mr" "$(awk -v a="$mr" -v b="$mc" 'BEGIN {printf "%.2f", a / b}')" \
    "$(printf '%s\n' "${ps[@]}" | median)" "$(printf '%s\n' "${es[@]}" | median)"
  printf '%-6s %14s %14s\n' range "$(printf '%s\n' "${cs[@]}" | sort -g | sed -n '1p;$p' | paste -sd-)" \
    "$(printf '%s\n' "${rs[@]}" | sort -g | sed -n '1p;$p' | paste -sd-)"
}

# pg_rows: rows read so far from FerretDB's tables of database logs (seq + index fetches).
pg_rows() {
  [[ $backend == postgresql ]] || { echo 0; return; }
  # pg_stat counters are flushed at the end of a transaction, at most every 10 ms or so.
  sleep 1
  psql -X -qtA -h 127.0.0.1 -p "$PG_PORT" -U postgres -d ferretdb -c \
    "select coalesce(sum(coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0)), 0) from pg_stat_user_tables where schemaname = 'logs'"
}

read_probe() {  # read_probe LABEL
  local i t ms=() before after
  before=$(pg_rows)
  for ((i = 0; i < samples; i++)); do
    t=$(curl -s -o /dev/null -w '%{time_total}' --max-time 60 "$logger/logs?limit=50")
    ms+=("$(awk -v t="$t" 'BEGIN {printf "%.1f", t * 1000}')")
  done
  after=$(pg_rows)
  printf '%-28s %10s %10s %14s\n' "$1" "$(printf '%s\n' "${ms[@]}" | median)" \
    "$(printf '%s\n' "${ms[@]}" | sort -g | tail -n1)" \
    "$(if [[ $backend == postgresql ]]; then echo $(((after - before) / samples)); else echo -; fi)"
}

reads() {
  local have
  curl -fs -o /dev/null -X POST --data '{"name":"bench","data":"window"}' "$logger/log" ||
    ms_die "the logger does not answer POST /log at $logger"
  printf '\nreads: backend %s, GET /logs?limit=50, %s reads each\n' "$backend" "$samples"
  printf '%-28s %10s %10s %14s\n' history "median ms" "max ms" "rows/read (pg)"
  have=$(MONGO_URL=$MONGO_URL "$bin/log_fill" count logs logs 2>/dev/null || echo 0)
  for target in 100000 1000000; do
    MONGO_URL=$MONGO_URL "$bin/log_fill" fill logs logs "$((target - have))" >>"$out/log_store-fill.txt"
    have=$target
    read_probe "$target entries"
  done
}

writes
((reads == 0)) || reads
