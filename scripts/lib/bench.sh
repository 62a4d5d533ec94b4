# shellcheck shell=bash disable=SC2034  # variables for scripts/bench, which sources this
# Helpers of scripts/bench: processes it starts (pinned, tracked, always stopped), the CPU time
# and RSS of a process tree from /proc, and one loadgen measurement as a JSON line. Source
# after common.sh.

BENCH_PIDS=()  # every process started here, stopped by bench_stop_all

# bench_start NAME CPUS CMD...: starts CMD pinned to CPUS (taskset list; "" = not pinned) in
# its own session, output in $BENCH_WORK/NAME.log; sets BENCH_PID.
bench_start() {
  local name=$1 cpus=$2
  shift 2
  local -a pin=()
  [[ -n $cpus ]] && pin=(taskset -c "$cpus")
  ms_spawn "$BENCH_WORK/$name.log" "$BENCH_WORK/$name.pid" "${pin[@]}" "$@"
  BENCH_PID=$(ms_read_pid "$BENCH_WORK/$name.pid")
  BENCH_PIDS+=("$BENCH_PID")
}

# bench_stop PID...: SIGTERM (then SIGKILL) each process and its children.
bench_stop() {
  local pid
  for pid in "$@"; do
    [[ -n $pid ]] || continue
    local -a tree
    mapfile -t tree < <(ms_tree_pids "$pid")
    ms_kill_pid "bench process" "$pid" 10
    for p in "${tree[@]}"; do ms_pid_alive "$p" && kill -KILL "$p" 2>/dev/null; done
  done
  return 0
}

bench_stop_all() {
  ((${#BENCH_PIDS[@]})) && bench_stop "${BENCH_PIDS[@]}"
  BENCH_PIDS=()
}

# bench_wait_port NAME PORT: waits until PORT accepts connections (10 s).
bench_wait_port() {
  ms_wait_until 10 "$1" "$BENCH_WORK/$1.log" ms_tcp_open "$2"
}

# bench_cpu_ticks PID: user+system clock ticks of PID and its descendants (all threads).
bench_cpu_ticks() {
  local total=0 p t
  for p in $(ms_tree_pids "$1"); do
    t=$(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null) || continue
    total=$((total + t))
  done
  echo "$total"
}

# bench_rss_kb PID: VmRSS in KiB of PID and its descendants (0 when gone).
bench_rss_kb() {
  local total=0 p k
  for p in $(ms_tree_pids "$1"); do
    k=$(awk '/^VmRSS:/ {print $2}' "/proc/$p/status" 2>/dev/null) || continue
    total=$((total + ${k:-0}))
  done
  echo "$total"
}

# bench_rss_record SCENARIO WHAT PID: appends {"scenario","process","rss_kb"} to the RSS log.
bench_rss_record() {
  jq -cn --arg s "$1" --arg w "$2" --argjson k "$(bench_rss_kb "$3")" \
    '{scenario: $s, process: $w, rss_kb: $k}' >>"$BENCH_WORK/rss.jsonl"
}

# bench_loadgen_cpu SERVER_PID LOADGEN_ARGS...: runs loadgen (--json, pinned to the generator
# core) and reads the server's CPU time over loadgen's measured window (after --warmup,
# for --duration); prints loadgen's JSON with "server_cpu_s" and "per_cpu_second" added.
bench_loadgen_cpu() {
  local server=$1
  shift
  local out=$BENCH_WORK/loadgen.$$.json
  "${BENCH_GEN[@]}" "$BENCH_LOADGEN" --json -q --warmup "${BENCH_WARMUP}s" -d "${BENCH_DURATION}s" "$@" >"$out" &
  local gen=$!
  sleep "$BENCH_WARMUP"
  local t0 t1
  t0=$(bench_cpu_ticks "$server")
  sleep "$BENCH_DURATION"
  t1=$(bench_cpu_ticks "$server")
  wait "$gen" || true
  [[ -s $out ]] || { ms_log "loadgen printed nothing for: $*"; echo '{}'; return 0; }
  jq -c --argjson ticks "$((t1 - t0))" --argjson hz "$(getconf CLK_TCK)" '
    . + {server_cpu_s: ($ticks / $hz)}
      + {per_cpu_second: (if $ticks > 0 then (.answered / ($ticks / $hz)) else null end)}' "$out"
  rm -f "$out"
}

# bench_loadgen LOADGEN_ARGS...: one loadgen run on the generator core, its JSON line.
bench_loadgen() {
  "${BENCH_GEN[@]}" "$BENCH_LOADGEN" --json -q "$@" || true
}

# bench_timed OUT CMD...: runs CMD with its stdout in OUT; prints CMD's user+system CPU
# seconds (read back as the waiting shell's children's time).
bench_timed() {
  local out=$1
  shift
  # shellcheck disable=SC2016  # expanded by the inner bash
  bash -c '"$@" >"$0" 2>&1; awk -v hz="$(getconf CLK_TCK)" "{print (\$16 + \$17) / hz}" /proc/$$/stat' "$out" "$@"
}

# bench_wrk URL CONNECTIONS: wrk -t1 with the same POST on the generator core; JSON line with
# per_second, p50/p99 (microseconds), and the generator's own CPU time.
bench_wrk() {
  local out=$BENCH_WORK/wrk.$$.txt cpu
  cpu=$(bench_timed "$out" "${BENCH_GEN[@]}" wrk -t1 -c"$2" -d"${BENCH_DURATION}s" --latency \
    -s "$REPO_ROOT/bench/wrk/post_json.lua" "$1")
  awk -v cpu="$cpu" '
      function us(v) { if (v ~ /us$/) { sub(/us/, "", v); return v } if (v ~ /ms$/) { sub(/ms/, "", v); return v * 1000 }
                       if (v ~ /s$/) { sub(/s/, "", v); return v * 1e6 } return v }
      /Requests\/sec/ {rps = $2} /^ *99%/ {p99 = us($2)} /^ *50%/ {p50 = us($2)}
      /Socket errors/ {err = $0}
      END {printf "{\"tool\":\"wrk\",\"per_second\":%s,\"latency_us\":{\"p50\":%s,\"p99\":%s},\"socket_errors\":\"%s\",\"generator_cpu_s\":%s}\n",
                  rps + 0, p50 + 0, p99 + 0, err, cpu + 0}' "$out"
  rm -f "$out"
}

# bench_loadgen_timed LOADGEN_ARGS...: like bench_loadgen, with "generator_cpu_s" added.
bench_loadgen_timed() {
  local out=$BENCH_WORK/loadgen-timed.$$.json cpu
  cpu=$(bench_timed "$out" "${BENCH_GEN[@]}" "$BENCH_LOADGEN" --json -q "$@")
  jq -c --argjson cpu "$cpu" '. + {generator_cpu_s: $cpu}' "$out" 2>/dev/null || echo '{}'
  rm -f "$out"
}
