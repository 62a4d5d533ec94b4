#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR disable=SC1091  # (followed with shellcheck -x)
# The mail leg against the SMTP sink's own intake, back to back in one run, ROUNDS times:
#   1. the sink (Mailpit) fed by a plain many-connection SMTP client (bench/smtp_intake),
#   2. wrk on the mail service's POST /send,
#   3. wrk on the broker's POST /handle with action mail (the whole chain).
# Prints each round and the medians, and the chain as a share of the sink's intake.
# Needs the profile's Mailpit, mail service and broker running (scripts/servers start mailpit,
# scripts/services start mail broker), wrk, and Go to build the SMTP client once.
#
#   bench/mail_chain.sh [--profile dev|test] [--duration S] [--connections N]
#                       [--sink-connections N] [--rounds N] [--pipeline]
#
#   --connections       wrk connections on /send and /handle (default 64; wrk -t1)
#   --sink-connections  SMTP connections of the intake client (default 32)
#   --pipeline          the intake client pipelines MAIL/RCPT/DATA (RFC 2920)
set -euo pipefail
# shellcheck source=../scripts/lib/common.sh
source "$(dirname "$0")/../scripts/lib/common.sh"
# shellcheck source=../scripts/lib/profile.sh
source "$REPO_ROOT/scripts/lib/profile.sh"

usage() {
  sed -n '3,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//' >&2
  exit "${1:-2}"
}

profile=${MS_PROFILE:-dev} duration=8 connections=64 sink_connections=32 rounds=3 pipeline=''
while (($#)); do
  case $1 in
    --profile) profile=${2:-}; shift 2 || usage ;;
    --duration) duration=${2:-}; shift 2 || usage ;;
    --connections) connections=${2:-}; shift 2 || usage ;;
    --sink-connections) sink_connections=${2:-}; shift 2 || usage ;;
    --rounds) rounds=${2:-}; shift 2 || usage ;;
    --pipeline) pipeline=-pipeline; shift ;;
    -h | --help) usage 0 ;;
    *) ms_log "unknown argument: $1"; usage ;;
  esac
done
for n in "$duration" "$connections" "$sink_connections" "$rounds"; do
  [[ $n =~ ^[1-9][0-9]*$ ]] || ms_die "numbers only, got \"$n\""
done
ms_profile "$profile" || exit 2
command -v wrk >/dev/null || ms_die "wrk is not installed"
go=$(command -v go || echo /usr/local/go/bin/go)

out=$RUN_DIR/bench
mkdir -p "$out"
intake=$out/smtp_intake
(cd "$REPO_ROOT/bench/smtp_intake" && GOFLAGS=-mod=mod GOPROXY=off "$go" build -o "$intake" .) ||
  ms_die "cannot build bench/smtp_intake"
lua=$REPO_ROOT/bench/wrk/mail_send.lua
mail_url=http://127.0.0.1:$MAIL_SERVICE_PORT/send
broker_url=http://127.0.0.1:$BROKER_PORT/handle

# wrk_run URL [ARG]: "req/s p99_ms non2xx errors" of one wrk run.
wrk_run() {
  local log
  log=$(wrk -t1 -c"$connections" -d"${duration}s" --timeout 10s --latency -s "$lua" "$1" -- "${2:-}" 2>&1) ||
    { echo "$log" >&2; ms_die "wrk failed on $1"; }
  echo "$log" >>"$out/mail_chain-wrk.txt"
  awk '
    /Requests\/sec:/ {rps = $2}
    /^ +99%/ {v = $2; if (v ~ /ms$/) {sub(/ms/, "", v)} else if (v ~ /us$/) {sub(/us/, "", v); v /= 1000} else {sub(/s/, "", v); v *= 1000}; p99 = v}
    /^RESULT/ {split($2, a, "="); non2xx = a[2]}
    /Socket errors/ {gsub(/,/, ""); errs = $4 + $6 + $8 + $10}
    END {printf "%.0f %.1f %d %d\n", rps, p99, non2xx, errs}' <<<"$log"
}

median() { sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

printf '%-6s %12s %12s %8s %6s %12s %8s %6s\n' round sink/s send/s p99ms non2xx handle/s p99ms non2xx
sinks=() sends=() handles=()
for ((r = 1; r <= rounds; r++)); do
  line=$("$intake" -addr "127.0.0.1:$MAIL_PORT" -c "$sink_connections" -d "${duration}s" $pipeline) ||
    ms_die "the SMTP intake client failed: $line"
  sink=$(sed -E 's/.*mails_per_s=([0-9]+).*/\1/' <<<"$line")
  read -r send send_p99 send_bad _ <<<"$(wrk_run "$mail_url")"
  read -r handle handle_p99 handle_bad _ <<<"$(wrk_run "$broker_url" handle)"
  printf '%-6s %12s %12s %8s %6s %12s %8s %6s\n' "$r" "$sink" "$send" "$send_p99" "$send_bad" \
    "$handle" "$handle_p99" "$handle_bad"
  sinks+=("$sink") sends+=("$send") handles+=("$handle")
done
ms=$(printf '%s\n' "${sinks[@]}" | median)
md=$(printf '%s\n' "${sends[@]}" | median)
mh=$(printf '%s\n' "${handles[@]}" | median)
printf '\nmedians: sink %s mails/s, POST /send %s req/s (%.2f of the sink), /handle mail %s req/s (%.2f of the sink)\n' \
  "$ms" "$md" "$(awk -v a="$md" -v b="$ms" 'BEGIN {print a / b}')" \
  "$mh" "$(awk -v a="$mh" -v b="$ms" 'BEGIN {print a / b}')"
