# shellcheck shell=bash
# Test suite bookkeeping for scripts/test: runs a suite, shows its output, and adds its
# passed/failed counts to the totals printed by report_summary as "N passed, N failed".

REPORT_PASSED=0
REPORT_FAILED=0
REPORT_SUITES=()

# report_run NAME KIND CMD...: KIND is ctest, gotest, counts or build (how to read the counts).
report_run() {
  local name=$1 kind=$2
  shift 2
  local log
  log=$(mktemp)
  printf '\n=== %s ===\n' "$name"
  local rc=0
  "$@" 2>&1 | tee "$log" || rc=${PIPESTATUS[0]}
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
    build)
      ((rc == 0)) && passed=0
      ;;
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
  if ((rc != 0 && failed == 0)); then failed=1; fi  # a crash or build failure counts
  REPORT_PASSED=$((REPORT_PASSED + passed))
  REPORT_FAILED=$((REPORT_FAILED + failed))
  REPORT_SUITES+=("$(printf '%-28s %5d passed, %d failed' "$name" "$passed" "$failed")")
  rm -f "$log"
}

report_summary() {
  printf '\n=== summary ===\n'
  local s
  for s in "${REPORT_SUITES[@]}"; do printf '%s\n' "$s"; done
  printf '%d passed, %d failed\n' "$REPORT_PASSED" "$REPORT_FAILED"
  ((REPORT_FAILED == 0))
}
