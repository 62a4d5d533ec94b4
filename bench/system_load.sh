#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR disable=SC1091  # (followed with shellcheck -x)
# Closed-loop load (wrk) on the broker's POST /handle of a running system, one action at a
# time: log (rpc), log (amqp), mail, auth. The broker's own POST / in the same run is the
# ceiling; every action is also given as a ratio to it. Prints req/s, 2xx/s (for auth: the
# hashing ceiling), p50/p99, non-2xx, the 503 share, socket errors, and the RSS of each service
# idle before the runs and at the end of each run (still under load).
#
#   bench/system_load.sh [--profile dev|test] [--duration S] [--connections N] [--threads N]
#
#   --profile      the system to load (scripts/lib/profile.sh; default dev, what scripts/up runs)
#   --duration     seconds per action (default 10)
#   --connections  wrk connections (default 256)
#   --threads      wrk threads (default 2)
#
# wrk runs with --timeout 10s, above the broker's 5 s downstream deadline, so a slow answer is
# counted as the broker's 504 rather than as a client timeout. Raw wrk output goes to
# RUN_DIR/bench/. Mail goes to the profile's SMTP sink (Mailpit); amqp logs go to
# listener.logs and wait there when no listener consumes them.
set -euo pipefail
# shellcheck source=../scripts/lib/common.sh
source "$(dirname "$0")/../scripts/lib/common.sh"
# shellcheck source=../scripts/lib/profile.sh
source "$REPO_ROOT/scripts/lib/profile.sh"
# shellcheck source=../scripts/lib/services.sh
source "$REPO_ROOT/scripts/lib/services.sh"

usage() {  # usage [EXIT]: the header comment, on stderr unless asked for with -h
  if [[ ${1:-2} == 0 ]]; then exec 2>&1; fi
  sed -n '3,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//' >&2
  exit "${1:-2}"
}

profile=${MS_PROFILE:-dev} duration=10 connections=256 threads=2
while (($#)); do
  case $1 in
    --profile) profile=${2:-}; shift 2 || usage ;;
    --duration) duration=${2:-}; shift 2 || usage ;;
    --connections) connections=${2:-}; shift 2 || usage ;;
    --threads) threads=${2:-}; shift 2 || usage ;;
    --*=*) set -- "${1%%=*}" "${1#*=}" "${@:2}" ;;
    -h | --help) usage 0 ;;
    *) ms_log "unknown argument: $1"; usage ;;
  esac
done
duration=${duration%s}
[[ $duration =~ ^[1-9][0-9]*$ ]] || ms_die "--duration wants whole seconds, got \"$duration\""
[[ $connections =~ ^[1-9][0-9]*$ ]] || ms_die "--connections wants a number, got \"$connections\""
[[ $threads =~ ^[1-9][0-9]*$ ]] || ms_die "--threads wants a number, got \"$threads\""
((connections >= threads)) || ms_die "--connections ($connections) must be at least --threads ($threads)"
ms_profile "$profile" || exit 2
command -v wrk >/dev/null || ms_die "wrk is not installed (apt-get install -y wrk)"

broker=http://127.0.0.1:$BROKER_PORT
lua=$REPO_ROOT/bench/wrk/broker_action.lua
out=$RUN_DIR/bench
mkdir -p "$out"
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -X POST --data-binary '' "$broker/") || true
[[ $code == 200 ]] ||
  ms_die "the broker does not answer POST / at $broker (got ${code:-nothing}); start the system: scripts/up, or scripts/services start --profile $MS_PROFILE"

SERVICES=(broker auth logger mail listener frontend)
rss_kb() {  # rss_kb SERVICE: its VmRSS in KiB, "-" when it does not run
  local pid
  if pid=$(ms_service_pid "$1") && [[ -r /proc/$pid/status ]]; then
    awk '/^VmRSS:/ {print $2; found = 1} END {if (!found) print "-"}' "/proc/$pid/status" 2>/dev/null || echo -
  else
    echo -
  fi
}
mib() {  # mib KIB|-: in MiB with one decimal
  if [[ $1 == - ]]; then echo -; else awk -v k="$1" 'BEGIN {printf "%.1f", k / 1024}'; fi
}

wrk_pid=''
cleanup() {
  if [[ -n $wrk_pid ]] && ms_pid_alive "$wrk_pid"; then kill "$wrk_pid" 2>/dev/null || true; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# RSS rows: label then one MiB value per service.
rss_rows=()
rss_row() {  # rss_row LABEL KIB...
  local label=$1 row
  shift
  row=$(printf '%-24s' "$label")
  local k
  for k in "$@"; do row+=$(printf ' %9s' "$(mib "$k")"); done
  rss_rows+=("$row")
}
idle=()
for s in "${SERVICES[@]}"; do idle+=("$(rss_kb "$s")"); done
rss_row "idle (before)" "${idle[@]}"

# run ACTION LABEL PATH: one wrk run; sets the result variables and adds an RSS row taken at
# the end of the run, while wrk still loads the system.
declare -A res=()
results=()
run() {
  local action=$1 label=$2 path=$3 log=$out/system_load-$1.txt
  ms_log "load: $label (${duration}s, $connections connections)"
  wrk -t"$threads" -c"$connections" -d"${duration}s" --timeout 10s -s "$lua" "$broker$path" -- "$action" \
    >"$log" 2>&1 &
  wrk_pid=$!
  local -a last=()
  local s
  while ms_pid_alive "$wrk_pid"; do
    local -a now=()
    for s in "${SERVICES[@]}"; do now+=("$(rss_kb "$s")"); done
    ms_pid_alive "$wrk_pid" && last=("${now[@]}")
    sleep 0.5
  done
  local rc=0
  wait "$wrk_pid" || rc=$?
  wrk_pid=''
  local line
  line=$(grep '^RESULT ' "$log" | tail -n1 || true)
  [[ $rc == 0 && -n $line ]] || { sed -n '1,20p' "$log" >&2; ms_die "wrk failed for $label (see $log)"; }
  res=()
  local kv
  local -a kvs
  read -ra kvs <<<"${line#RESULT }"
  for kv in "${kvs[@]}"; do res[${kv%%=*}]=${kv#*=}; done
  results+=("$action|$label|${res[requests]}|${res[duration_us]}|${res[p50_us]}|${res[p99_us]}|${res[responses]}|${res[non2xx]}|${res[s503]}|$((res[connect] + res[read] + res[write] + res[timeout]))")
  ((${#last[@]})) || last=("${idle[@]/*/-}")
  rss_row "end of $label" "${last[@]}"
  sleep 1  # let queues and breakers settle before the next action
}

run hit "POST / (ceiling)" /
run log-rpc "log rpc" /handle
run log-amqp "log amqp" /handle
run mail "mail" /handle
run auth "auth" /handle

printf '\nsystem load: profile %s, broker %s, wrk -t%s -c%s -d%ss --timeout 10s, %s cores\n\n' \
  "$MS_PROFILE" "$broker" "$threads" "$connections" "$duration" "$(nproc)"
printf '%-18s %10s %8s %10s %9s %9s %9s %9s %8s\n' \
  action req/s ceiling 2xx/s "p50 ms" "p99 ms" non-2xx "503 share" "sock err"
ceiling=''
for r in "${results[@]}"; do
  IFS='|' read -r action label requests dur p50 p99 responses non2xx s503 sockerr <<<"$r"
  rps=$(awk -v n="$requests" -v d="$dur" 'BEGIN {printf "%.0f", (d > 0 ? n * 1e6 / d : 0)}')
  [[ -n $ceiling ]] || ceiling=$rps
  awk -v label="$label" -v rps="$rps" -v c="$ceiling" -v n="$responses" -v bad="$non2xx" \
    -v busy="$s503" -v d="$dur" -v p50="$p50" -v p99="$p99" -v se="$sockerr" 'BEGIN {
      printf "%-18s %10d %7.2fx %10.1f %9.2f %9.2f %9d %8.2f%% %8d\n", label, rps,
        (c > 0 ? rps / c : 0), (d > 0 ? (n - bad) * 1e6 / d : 0), p50 / 1000, p99 / 1000, bad,
        (n > 0 ? 100 * busy / n : 0), se }'
  if [[ $action == log-amqp ]]; then amqp_ok=$((responses - non2xx)); fi
done

printf '\nRSS MiB %16s' ''
for s in "${SERVICES[@]}"; do printf ' %9s' "$s"; done
printf '\n'
printf '%s\n' "${rss_rows[@]}"

listener_state=not\ running
ms_service_pid listener >/dev/null && listener_state=running
printf '\nlog amqp: %s messages confirmed into listener.logs (listener %s); raw wrk output in %s\n' \
  "${amqp_ok:-0}" "$listener_state" "$out"
