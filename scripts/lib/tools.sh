# shellcheck shell=bash disable=SC2034  # variables for the scripts that source this
# Tools that take long to build (FerretDB, Mailpit, and whatever else a suite needs: tracing
# backends, API servers, fuzzers, container base images) are built once per version into a
# cache outside the clone, so a fresh clone (CI) and every later run reuse them. Source after
# common.sh.
#
# Layout: $TOOLS_DIR/NAME/VERSION/ holds what one version's build produced, and a .complete
# marker written after the build succeeded. Versions live side by side: branches that pin
# different versions do not rebuild each other's.
#
# To add a tool: pin NAME_VERSION below, write a build function that fills the directory it is
# given, and call `ms_tool_cached NAME "$NAME_VERSION" build_fn` where the tool is needed
# (scripts/setup for the tools every run needs); then use "$(ms_tool_dir NAME "$NAME_VERSION")".

FERRETDB_REPO=github.com/FerretDB/FerretDB
FERRETDB_VERSION=v1.24.2
MAILPIT_MODULE=github.com/axllent/mailpit
MAILPIT_VERSION=v1.33.1
# HTTP/2 conformance checker, run against the logger's gRPC port by scripts/test.
H2SPEC_MODULE=github.com/summerwind/h2spec
H2SPEC_VERSION=v2.2.1+incompatible
# Tracing collector, query API and UI in one binary (all-in-one, in-memory storage).
JAEGER_MODULE=github.com/jaegertracing/jaeger
JAEGER_VERSION=v1.75.0

TOOLS_DIR=${MS_TOOLS_DIR:-/var/cache/microservices/tools}

# ms_tool_dir NAME VERSION: where that version of the tool lives (built or not).
ms_tool_dir() { printf '%s/%s/%s' "$TOOLS_DIR" "$1" "$2"; }

FERRETDB_BIN=$(ms_tool_dir ferretdb "$FERRETDB_VERSION")/ferretdb
MAILPIT_BIN=$(ms_tool_dir mailpit "$MAILPIT_VERSION")/mailpit
H2SPEC_BIN=$(ms_tool_dir h2spec "$H2SPEC_VERSION")/h2spec
JAEGER_BIN=$(ms_tool_dir jaeger "$JAEGER_VERSION")/jaeger

# ms_tool_current NAME VERSION: true when that version was built completely.
ms_tool_current() { [[ -f $(ms_tool_dir "$1" "$2")/.complete ]]; }

# ms_tool_cached NAME VERSION BUILD_FN [ARGS...]: makes sure VERSION of NAME is in the cache.
# When it is not, runs `BUILD_FN DIR ARGS...`, which must put the tool into the empty DIR and
# fail (non-zero, or ms_die) when it cannot; DIR becomes the version's directory only when it
# succeeded, so a broken build never looks cached. One build per tool at a time: a concurrent
# run waits for it and then reuses the result.
ms_tool_cached() {
  local name=$1 version=$2 build=$3
  shift 3
  ms_tool_current "$name" "$version" && return 0
  mkdir -p "$TOOLS_DIR/$name"
  (
    exec 7>"$TOOLS_DIR/$name/.lock"
    flock 7
    ms_tool_current "$name" "$version" && exit 0  # built meanwhile by another run
    dir=$(ms_tool_dir "$name" "$version")
    tmp=$dir.partial.$$
    rm -rf "$tmp"
    mkdir -p "$tmp"
    if ! "$build" "$tmp" "$@" 7>&-; then
      rm -rf "$tmp"
      exit 1
    fi
    rm -rf "$dir"
    mv "$tmp" "$dir"
    : >"$dir/.complete"
  )
}

# ms_tool_adopt NAME VERSION DIR: copies a binary cached by the earlier layout
# ($TOOLS_DIR/bin/NAME with the version in bin/.NAME.version) into DIR; false when there is
# none of that version. Saves rebuilding what a machine already has.
ms_tool_adopt() {
  local old=$TOOLS_DIR/bin/$1
  [[ -x $old && $(cat "$TOOLS_DIR/bin/.$1.version" 2>/dev/null) == "$2" ]] || return 1
  cp "$old" "$3/$1"
}

ms_tools_current() {
  ms_tool_current ferretdb "$FERRETDB_VERSION" && ms_tool_current mailpit "$MAILPIT_VERSION" &&
    ms_tool_current h2spec "$H2SPEC_VERSION" && ms_tool_current jaeger "$JAEGER_VERSION"
}

# The Kubernetes control plane the manifests under deploy/k8s are checked against:
# kube-apiserver and kubectl built from one release of k8s.io/kubernetes through the Go
# module proxy (its staging modules k8s.io/* are published as v0.<minor>.<patch>), and
# etcd from Debian's etcd-server. Built only on request (scripts/setup --k8s).
K8S_MODULE=k8s.io/kubernetes
K8S_VERSION=v1.36.3
K8S_STAGING_VERSION=v0.${K8S_VERSION#v1.}
KUBE_APISERVER_BIN=$(ms_tool_dir kube "$K8S_VERSION")/kube-apiserver
KUBECTL_BIN=$(ms_tool_dir kube "$K8S_VERSION")/kubectl
ETCD_BIN=/usr/bin/etcd

ms_k8s_tools_current() {
  ms_tool_current kube "$K8S_VERSION"
}
