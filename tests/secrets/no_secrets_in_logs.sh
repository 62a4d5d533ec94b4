#!/usr/bin/env bash
# After a full run: no secret may appear in the services' logs (RUN_DIR/logs/*.log, by default
# .run/test/logs). Looks for the seed user's password (the end-to-end tests log in with it),
# INTERNAL_TOKEN when one is set, and the passwords inside DSN, RABBIT_URL and MAIL_PASSWORD
# when they are long enough to be told from ordinary words. One ok/FAIL line per secret,
# then "N passed, N failed".
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
log_dir=${1:-$repo/.run/test/logs}
[[ -d $log_dir ]] || { echo "no log directory $log_dir"; echo "0 passed, 1 failed"; exit 1; }
mapfile -t logs < <(find "$log_dir" -maxdepth 1 -name '*.log' -type f)
if ((${#logs[@]} == 0)); then
  echo "no logs in $log_dir"; echo "0 passed, 1 failed"; exit 1
fi

declare -A secrets=([seed password]=verysecret)
[[ -n ${INTERNAL_TOKEN:-} ]] && secrets[INTERNAL_TOKEN]=$INTERNAL_TOKEN
mail_password=${MAIL_PASSWORD:-}
((${#mail_password} >= 8)) && secrets[MAIL_PASSWORD]=$mail_password
if [[ ${RABBIT_URL:-} =~ ^amqps?://[^:/@]+:([^@]+)@ ]] && ((${#BASH_REMATCH[1]} >= 8)); then
  secrets[RABBIT_URL password]=${BASH_REMATCH[1]}
fi
if [[ ${DSN:-} =~ password=([^[:space:]]+) ]] && ((${#BASH_REMATCH[1]} >= 8)); then
  secrets[DSN password]=${BASH_REMATCH[1]}
fi

passed=0
failed=0
for name in "${!secrets[@]}"; do
  if hits=$(grep -F -l -- "${secrets[$name]}" "${logs[@]}"); then
    failed=$((failed + 1))
    echo "FAIL $name appears in: $(echo "$hits" | xargs -n1 basename | tr '\n' ' ')"
  else
    passed=$((passed + 1))
    echo "ok   $name is in none of ${#logs[@]} logs"
  fi
done
echo "$passed passed, $failed failed"
((failed == 0))
