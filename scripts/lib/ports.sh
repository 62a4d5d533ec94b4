# shellcheck shell=bash
# Keeps a profile's fixed ports out of the kernel's ephemeral range (net.ipv4.ip_local_port_range,
# 32768-60999 on Linux): an outgoing connection may otherwise be given, as its local port, a
# port a server or service of the profile is about to listen on, and that start fails with
# EADDRINUSE. Listed ports stay bindable explicitly; only automatic assignment skips them.
# The setting is per network namespace. Without the right to change it (not root), nothing
# happens and a start is as exposed as before.
#
#   ms_reserve_ports      add the current profile's ports (idempotent)
#   ms_release_ports      take them out again (scripts/servers stop of the whole profile)

RESERVED_PORTS_SYSCTL=/proc/sys/net/ipv4/ip_local_reserved_ports

# Every port of the current profile, one per line.
ms_profile_ports() {
  local var
  for var in $(compgen -v | grep -E '_PORT$'); do
    [[ ${!var} =~ ^[0-9]+$ ]] && echo "${!var}"
  done
  seq "$RABBIT_CTL_PORT_MIN" "$RABBIT_CTL_PORT_MAX"
}

# "1,5-7" -> 1 5 6 7, one per line.
ms_expand_ports() {
  local part
  IFS=, read -ra parts <<<"$1"
  for part in "${parts[@]}"; do
    [[ -n $part ]] || continue
    if [[ $part == *-* ]]; then seq "${part%-*}" "${part#*-}"; else echo "$part"; fi
  done
}

# Sorted port numbers on stdin -> "1,5-7".
ms_compress_ports() {
  awk 'NF { if (start == "") { start = prev = $1; next }
            if ($1 == prev + 1) { prev = $1; next }
            out = out sep (start == prev ? start : start "-" prev); sep = ","; start = prev = $1 }
       END { if (start != "") out = out sep (start == prev ? start : start "-" prev); print out }'
}

ms_write_reserved_ports() {
  [[ -w $RESERVED_PORTS_SYSCTL ]] || return 0
  echo "$1" >"$RESERVED_PORTS_SYSCTL" 2>/dev/null || true
}

ms_reserve_ports() {
  [[ -w $RESERVED_PORTS_SYSCTL ]] || return 0
  local now
  now=$(cat "$RESERVED_PORTS_SYSCTL")
  ms_write_reserved_ports "$({ ms_expand_ports "$now"; ms_profile_ports; } | sort -nu | ms_compress_ports)"
}

ms_release_ports() {
  [[ -w $RESERVED_PORTS_SYSCTL ]] || return 0
  local now
  now=$(cat "$RESERVED_PORTS_SYSCTL")
  ms_write_reserved_ports "$(ms_expand_ports "$now" | sort -nu |
    grep -vxF -f <(ms_profile_ports) | ms_compress_ports)"
}
