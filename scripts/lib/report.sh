# shellcheck shell=bash
# Test suite bookkeeping for scripts/test: runs a suite under a watchdog, shows its output, and
# adds its passed/failed counts and time to the summary that report_summary ends with
# "N passed, N failed".
#
#   report_run [--limit SECONDS] NAME KIND CMD...
#
# KIND is ctest, gotest, counts or build (how to read the counts). Each suite runs in a process
# group of its own; past its limit (--limit, else REPORT_LIMIT, default 1200 s) the watchdog
# names the suite, kills the whole group, counts a failure and lets the next suite run, so a
# hang costs minutes instead of CI's time limit.

REPORT_PASSED=0
REPORT_FAILED=0
REPORT_SUITES=()
REPORT_STARTED=$SECONDS
REPORT_PGID=

# report_duration SECONDS: "4m05s".
report_duration() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }

# report_group_alive PGID: true while a process of the group runs (zombies do not count).
report_group_alive() {
  ps -e -o pgid=,stat= | awk -v g="$1" '$1 == g && $2 !~ /^Z/ { found = 1 } END { exit !found }'
}

# report_kill_group PGID: SIGTERM to the group, SIGKILL to what is left after 5 s.
report_kill_group() {
  local pgid=$1 i
  kill -TERM -- "-$pgid" 2>/dev/null || return 0
  for ((i = 0; i < 50; i++)); do
    report_group_alive "$pgid" || return 0
    sleep 0.1
  done
  kill -KILL -- "-$pgid" 2>/dev/null || true
}

# Ctrl-C or a TERM to scripts/test also ends the suite that is running (it is in a group of its
# own, out of reach of the terminal's signals).
report_interrupted() {
  if [[ -n $REPORT_PGID ]]; then report_kill_group "$REPORT_PGID"; fi
  exit 130
}

# report_watch NAME LIMIT PIDFILE RCFILE PIPE_PID: waits for the suite; past LIMIT kills its
# group. Sets report_timed_out=1 when it did.
report_watch() {
  local name=$1 limit=$2 pidfile=$3 rcfile=$4 pipe=$5
  local deadline=$((SECONDS + limit))
  while kill -0 "$pipe" 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      report_timed_out=1
      printf '\n=== %s: TIMED OUT after %ds; killing what it started ===\n' "$name" "$limit"
      [[ -s $pidfile ]] && report_kill_group "$(<"$pidfile")"
      # A process that left the group may still hold the output pipe: stop reading it.
      local i
      for ((i = 0; i < 20; i++)); do
        kill -0 "$pipe" 2>/dev/null && [[ $(ps -o stat= -p "$pipe" 2>/dev/null) != Z* ]] || break
        sleep 0.1
      done
      kill "$pipe" 2>/dev/null || true
      break
    fi
    sleep 0.5
  done
  wait "$pipe" 2>/dev/null || true
}

report_run() {
  local limit=${REPORT_LIMIT:-1200}
  if [[ ${1:-} == --limit ]]; then
    limit=$2
    shift 2
  fi
  local name=$1 kind=$2
  shift 2
  local log pidfile rcfile
  log=$(mktemp)
  pidfile=$(mktemp)
  rcfile=$(mktemp)
  printf '\n=== %s ===\n' "$name"
  local started=$SECONDS report_timed_out=0
  # setsid: the suite leads a new process group, which the watchdog kills as a whole.
  # shellcheck disable=SC2016  # expanded by the inner bash
  setsid bash -c 'echo $$ >"$1"; rcfile=$2; shift 2; "$@"; echo $? >"$rcfile"' \
    report-suite "$pidfile" "$rcfile" "$@" </dev/null 2>&1 | tee "$log" &
  local pipe=$!
  local saved_traps
  saved_traps=$(trap -p INT TERM)
  trap report_interrupted INT TERM
  REPORT_PGID=
  local i=0
  while [[ ! -s $pidfile ]] && ((i++ < 100)); do sleep 0.05; done
  REPORT_PGID=$(cat "$pidfile" 2>/dev/null || true)
  report_watch "$name" "$limit" "$pidfile" "$rcfile" "$pipe"
  trap - INT TERM
  eval "$saved_traps"  # the caller's own, if it had any
  REPORT_PGID=
  local rc=1
  [[ -s $rcfile ]] && rc=$(<"$rcfile")
  local elapsed=$((SECONDS - started))

  local passed=0 failed=0
  case $kind in
    ctest)
      # "100% tests passed, 0 tests failed out of 57"
      local line
      line=$(grep -E 'tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" | tail -n1 || true)
      if [[ -n $line ]]; then
        local total
        failed=$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1/' <<<"$line")
        total=$(sed -E 's/.* failed out of ([0-9]+).*/\1/' <<<"$line")
        passed=$((total - failed))
      elif grep -q 'No tests were found' "$log"; then
        :
      else
        failed=1
      fi
      ;;
    build) ;;
    counts)
      # a script that ends with its own "N passed, N failed" line (scripts/smoke)
      local line
      line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n1 || true)
      if [[ -n $line ]]; then
        passed=$(sed -E 's/^([0-9]+) passed.*/\1/' <<<"$line")
        failed=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")
      fi
      ;;
    gotest)
      passed=$(grep -cE '^\s*--- PASS' "$log" || true)
      failed=$(grep -cE '^\s*--- FAIL' "$log" || true)
      ;;
  esac
  local note=""
  if ((report_timed_out)); then
    failed=$((failed + 1))
    note="  TIMED OUT (limit ${limit}s)"
  elif ((rc != 0 && failed == 0)); then
    failed=1  # a crash or build failure counts
  fi
  REPORT_PASSED=$((REPORT_PASSED + passed))
  REPORT_FAILED=$((REPORT_FAILED + failed))
  REPORT_SUITES+=("$(printf '%-28s %5d passed, %d failed  %8s%s' "$name" "$passed" "$failed" \
    "$(report_duration "$elapsed")" "$note")")
  rm -f "$log" "$pidfile" "$rcfile"
}

report_summary() {
  printf '\n=== summary ===\n'
  local s
  for s in "${REPORT_SUITES[@]}"; do printf '%s\n' "$s"; done
  printf '%-28s %30s\n' "total time" "$(report_duration $((SECONDS - REPORT_STARTED)))"
  printf '%d passed, %d failed\n' "$REPORT_PASSED" "$REPORT_FAILED"
  ((REPORT_FAILED == 0))
}
