# shellcheck shell=bash disable=SC2034  # variables for the scripts that source this
# Where the Go-built servers live. The cache sits outside the clone so a fresh clone (CI)
# and later runs reuse the binaries. Source after common.sh.

FERRETDB_REPO=github.com/FerretDB/FerretDB
FERRETDB_VERSION=v1.24.2
MAILPIT_MODULE=github.com/axllent/mailpit
MAILPIT_VERSION=v1.33.1
# HTTP/2 conformance checker, run against the logger's gRPC port by scripts/test.
H2SPEC_MODULE=github.com/summerwind/h2spec
H2SPEC_VERSION=v2.2.1+incompatible

TOOLS_DIR=${MS_TOOLS_DIR:-/var/cache/microservices/tools}
TOOLS_BIN=$TOOLS_DIR/bin
FERRETDB_BIN=$TOOLS_BIN/ferretdb
MAILPIT_BIN=$TOOLS_BIN/mailpit
H2SPEC_BIN=$TOOLS_BIN/h2spec

# A stamp next to each binary records the version it was built from, so bumping a
# version above rebuilds it.
ms_tool_stamp() { printf '%s/.%s.version' "$TOOLS_BIN" "$1"; }

# ms_tool_current NAME VERSION: true when the binary exists and was built from VERSION.
ms_tool_current() {
  local bin=$TOOLS_BIN/$1
  [[ -x $bin ]] && [[ $(cat "$(ms_tool_stamp "$1")" 2>/dev/null) == "$2" ]]
}

ms_tools_current() {
  ms_tool_current ferretdb "$FERRETDB_VERSION" && ms_tool_current mailpit "$MAILPIT_VERSION" &&
    ms_tool_current h2spec "$H2SPEC_VERSION"
}
