#!/usr/bin/env bash
# Self-test of scripts/servers on the test profile: start everything, talk to every
# server the way the services will, crash and restart single servers, stop, and check
# that nothing of the profile is left. Uses (and finally stops) the test profile, so do
# not run it while scripts/test is running. Prints "N passed, N failed".
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SERVERS=$ROOT/scripts/servers
PROFILE=(--profile test)
export MS_PROFILE=test
source "$ROOT/scripts/lib/profile.sh" # the port table of the test profile
source "$ROOT/scripts/lib/ports.sh"
passed=0
failed=0

check() {
  local what=$1
  shift
  if "$@" >/tmp/ms-servers-test.out 2>&1; then
    passed=$((passed + 1))
    echo "ok   $what"
  else
    failed=$((failed + 1))
    echo "FAIL $what"
    sed 's/^/     /' /tmp/ms-servers-test.out | tail -n 15
  fi
}

load_env() { source "$ROOT/.run/test/env"; }

psql_select() { psql "$DSN" -XAtc 'select 1' | grep -qx 1; }
rabbit_api() {
  curl -fsS -u "$RABBIT_MGMT_USER:$RABBIT_MGMT_PASSWORD" "$RABBIT_MGMT_URL/api/overview" |
    jq -e --arg n "$RABBIT_NODE" '.node == $n'
}
# shellcheck disable=SC2016  # expanded by the inner bash
ferretdb_tcp() { timeout 2 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$0"' "$MONGO_PORT"; }

mail_file() {
  printf 'From: a@example.com\r\nTo: c@example.com\r\nSubject: %s\r\n\r\nhello\r\n' "$1" >/tmp/ms-servers-test.eml
}
# mailpit_has API SUBJECT: the message arrived.
mailpit_has() {
  curl -fsS "$1/api/v1/search?query=subject:%22$2%22" | jq -e '.messages_count >= 1'
}
send_plain() {
  local subject=plain-$$-$RANDOM
  mail_file "$subject"
  curl -fsS "smtp://127.0.0.1:$MAIL_PORT" --mail-from a@example.com --mail-rcpt c@example.com \
    -T /tmp/ms-servers-test.eml && mailpit_has "$MAILPIT_API" "$subject"
}
send_tls() {
  local subject=tls-$$-$RANDOM
  mail_file "$subject"
  curl -fsS --ssl-reqd --cacert "$MAIL_TLS_CA" -u "$MAIL_TLS_USERNAME:$MAIL_TLS_PASSWORD" \
    "smtp://localhost:$MAIL_TLS_PORT" --mail-from a@example.com --mail-rcpt c@example.com \
    -T /tmp/ms-servers-test.eml && mailpit_has "$MAILPIT_TLS_API" "$subject"
}
tls_refuses_plain() {
  mail_file refused
  ! curl -fsS -u "$MAIL_TLS_USERNAME:$MAIL_TLS_PASSWORD" "smtp://127.0.0.1:$MAIL_TLS_PORT" \
    --mail-from a@example.com --mail-rcpt c@example.com -T /tmp/ms-servers-test.eml
}
tls_refuses_bad_password() {
  mail_file refused
  ! curl -fsS --ssl-reqd --cacert "$MAIL_TLS_CA" -u "$MAIL_TLS_USERNAME:wrong" \
    "smtp://127.0.0.1:$MAIL_TLS_PORT" --mail-from a@example.com --mail-rcpt c@example.com \
    -T /tmp/ms-servers-test.eml
}
# Every listener of the profile is on loopback.
loopback_only() {
  local port
  for port in $PG_PORT $RABBIT_PORT $RABBIT_MGMT_PORT $MONGO_PORT $MAIL_PORT $MAIL_TLS_PORT; do
    ss -Hltn "sport = :$port" | awk '{print $4}' | grep -v '^127\.0\.0\.1:' && return 1
  done
  return 0
}
# Nothing of the profile listens or runs any more.
nothing_left() {
  local port
  for port in $PG_PORT $RABBIT_PORT $RABBIT_MGMT_PORT $RABBIT_DIST_PORT $RABBIT_EPMD_PORT \
    $MONGO_PORT $MAIL_PORT $MAILPIT_HTTP_PORT $MAIL_TLS_PORT $MAILPIT_TLS_HTTP_PORT; do
    if ss -Hltn "sport = :$port" | grep -q .; then echo "port $port still listening"; return 1; fi
  done
  ! pgrep -af "$RUN_DIR/"
}

# Each port of the profile is (not) in the kernel's reserved list; true when it cannot be set.
ports_reserved() {
  [[ -w $RESERVED_PORTS_SYSCTL ]] || return 0
  local reserved port
  reserved=$(ms_expand_ports "$(cat "$RESERVED_PORTS_SYSCTL")")
  for port in $MAIL_SERVICE_PORT $BROKER_PORT $RPC_PORT $RABBIT_CTL_PORT_MAX; do
    if [[ $1 == yes ]] && ! grep -qx "$port" <<<"$reserved"; then echo "$port not reserved"; return 1; fi
    if [[ $1 == no ]] && grep -qx "$port" <<<"$reserved"; then echo "$port still reserved"; return 1; fi
  done
}

check "start" "$SERVERS" start "${PROFILE[@]}"
load_env
check "the profile's ports are out of the ephemeral range" ports_reserved yes
check "status says all running" "$SERVERS" status "${PROFILE[@]}"
check "second start is a no-op" bash -c "[[ -z \$('$SERVERS' start --profile test) ]]"
check "env file has the connection settings" grep -q "^export DSN=.*port=$PG_PORT" "$ROOT/.run/test/env"
check "listeners on loopback only" loopback_only
check "postgres: select 1 on database users" psql_select
check "rabbitmq: management API answers for the node" rabbit_api
check "ferretdb: TCP" ferretdb_tcp
check "mailpit: plain SMTP, read back over the API" send_plain
check "mailpit-tls: STARTTLS + auth, read back" send_tls
check "mailpit-tls: refuses a session without TLS" tls_refuses_plain
check "mailpit-tls: refuses a wrong password" tls_refuses_bad_password
check "rabbitmqctl passthrough" "$SERVERS" rabbitmqctl "${PROFILE[@]}" -q list_queues

check "kill postgres" "$SERVERS" kill postgres "${PROFILE[@]}"
check "status notices the crash" bash -c "! '$SERVERS' status postgres --profile test"
check "start brings postgres back" "$SERVERS" start postgres "${PROFILE[@]}"
check "postgres answers after the crash" psql_select
check "kill rabbitmq" "$SERVERS" kill rabbitmq "${PROFILE[@]}"
check "start brings rabbitmq back" "$SERVERS" start "${PROFILE[@]}"
check "rabbitmq answers after the crash" rabbit_api
check "restart mailpit" "$SERVERS" restart mailpit "${PROFILE[@]}"
check "mailpit works after the restart" send_plain

check "stop" "$SERVERS" stop "${PROFILE[@]}"
check "status says stopped" bash -c "! '$SERVERS' status --profile test"
check "nothing of the profile is left" nothing_left
check "the profile's ports are back in the ephemeral range" ports_reserved no
check "second stop is fine" "$SERVERS" stop "${PROFILE[@]}"

echo "$passed passed, $failed failed"
((failed == 0))
