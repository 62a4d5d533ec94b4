# shellcheck shell=bash disable=SC2034  # variables for the scripts that source this
# Mailpit, the SMTP sink with a JSON API, in two instances:
#   mailpit      plain SMTP, any credentials (or none) accepted
#   mailpit-tls  STARTTLS required with a self-signed certificate from RUN_DIR/tls, and
#                authentication required: user mailuser, password mailpass

MAIL_TLS_USER=mailuser
MAIL_TLS_PASSWORD=mailpass

# mailpit_pid_of NAME
mailpit_pid_of() {
  local pid
  pid=$(ms_read_pid "$PID_DIR/$1.pid")
  ms_pid_alive "$pid" && ms_pid_cmd_has "$pid" mailpit && echo "$pid"
}

# mailpit_spawn NAME SMTP_PORT HTTP_PORT EXTRA_FLAGS...
mailpit_spawn() {
  local name=$1 smtp=$2 http=$3
  shift 3
  mkdir -p "$RUN_DIR/$name"
  ms_spawn "$LOG_DIR/$name.log" "$PID_DIR/$name.pid" "$MAILPIT_BIN" \
    --database="$RUN_DIR/$name/mailpit.db" \
    --smtp="127.0.0.1:$smtp" --listen="127.0.0.1:$http" \
    --disable-version-check --smtp-disable-rdns --max=5000 "$@"
}

mailpit_await_of() {
  ms_wait_until 30 "$1" "$LOG_DIR/$1.log" "${1//-/_}_ready"
}

mailpit_stop_of() {
  local pid
  if pid=$(mailpit_pid_of "$1"); then
    ms_kill_pid "$1" "$pid" 15
    ms_wait_gone 5 "$pid"
  fi
  rm -f "$PID_DIR/$1.pid"
}

# The self-signed certificate (CN=localhost, SAN localhost and 127.0.0.1), made once.
# It is its own CA: clients trust it with MAIL_TLS_CA=RUN_DIR/tls/cert.pem.
ms_make_tls_cert() {
  [[ -s $TLS_DIR/cert.pem && -s $TLS_DIR/key.pem ]] && return 0
  mkdir -p "$TLS_DIR"
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -sha256 \
    -subj /CN=localhost -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -keyout "$TLS_DIR/key.pem" -out "$TLS_DIR/cert.pem" >/dev/null 2>&1 ||
    ms_die "openssl could not make a certificate in $TLS_DIR"
  chmod 600 "$TLS_DIR/key.pem"
}

mailpit_ports() { echo "$MAIL_PORT,$MAILPIT_HTTP_PORT"; }
mailpit_pid() { mailpit_pid_of mailpit; }
mailpit_ready() {
  mailpit_pid >/dev/null && ms_tcp_open "$MAIL_PORT" && ms_tcp_open "$MAILPIT_HTTP_PORT"
}
mailpit_launch() {
  mailpit_spawn mailpit "$MAIL_PORT" "$MAILPIT_HTTP_PORT" \
    --smtp-auth-accept-any --smtp-auth-allow-insecure
}
mailpit_await() { mailpit_await_of mailpit; }
mailpit_stop() { mailpit_stop_of mailpit; }

mailpit_tls_ports() { echo "$MAIL_TLS_PORT,$MAILPIT_TLS_HTTP_PORT"; }
mailpit_tls_pid() { mailpit_pid_of mailpit-tls; }
mailpit_tls_ready() {
  mailpit_tls_pid >/dev/null && ms_tcp_open "$MAIL_TLS_PORT" && ms_tcp_open "$MAILPIT_TLS_HTTP_PORT"
}
mailpit_tls_launch() {
  ms_make_tls_cert
  local auth=$RUN_DIR/mailpit-tls/smtp-auth
  mkdir -p "$RUN_DIR/mailpit-tls"
  (umask 077 && echo "$MAIL_TLS_USER:$MAIL_TLS_PASSWORD" >"$auth")
  mailpit_spawn mailpit-tls "$MAIL_TLS_PORT" "$MAILPIT_TLS_HTTP_PORT" \
    --smtp-tls-cert="$TLS_DIR/cert.pem" --smtp-tls-key="$TLS_DIR/key.pem" \
    --smtp-require-starttls --smtp-auth-file="$auth"
}
mailpit_tls_await() { mailpit_await_of mailpit-tls; }
mailpit_tls_stop() { mailpit_stop_of mailpit-tls; }
