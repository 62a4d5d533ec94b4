# shellcheck shell=bash disable=SC2034  # variables for the scripts that source this
# Where the Go-built servers live. The cache sits outside the clone so a fresh clone (CI)
# and later runs reuse the binaries. Source after common.sh.

FERRETDB_REPO=github.com/FerretDB/FerretDB
FERRETDB_VERSION=v1.24.2
MAILPIT_MODULE=github.com/axllent/mailpit
MAILPIT_VERSION=v1.33.1

TOOLS_DIR=${MS_TOOLS_DIR:-/var/cache/microservices/tools}
TOOLS_BIN=$TOOLS_DIR/bin
FERRETDB_BIN=$TOOLS_BIN/ferretdb
MAILPIT_BIN=$TOOLS_BIN/mailpit

# A stamp next to each binary records the version it was built from, so bumping a
# version above rebuilds it.
ms_tool_stamp() { printf '%s/.%s.version' "$TOOLS_BIN" "$1"; }

# ms_tool_current NAME VERSION: true when the binary exists and was built from VERSION.
ms_tool_current() {
  local bin=$TOOLS_BIN/$1
  [[ -x $bin ]] && [[ $(cat "$(ms_tool_stamp "$1")" 2>/dev/null) == "$2" ]]
}

ms_tools_current() {
  ms_tool_current ferretdb "$FERRETDB_VERSION" && ms_tool_current mailpit "$MAILPIT_VERSION"
}

# The Kubernetes control plane the manifests under deploy/k8s are checked against:
# kube-apiserver and kubectl built from one release of k8s.io/kubernetes through the Go
# module proxy (its staging modules k8s.io/* are published as v0.<minor>.<patch>), and
# etcd from Debian's etcd-server. Built only on request (scripts/setup --k8s).
K8S_MODULE=k8s.io/kubernetes
K8S_VERSION=v1.36.3
K8S_STAGING_VERSION=v0.${K8S_VERSION#v1.}
KUBE_APISERVER_BIN=$TOOLS_BIN/kube-apiserver
KUBECTL_BIN=$TOOLS_BIN/kubectl
ETCD_BIN=/usr/bin/etcd

ms_k8s_tools_current() {
  ms_tool_current kube-apiserver "$K8S_VERSION" && ms_tool_current kubectl "$K8S_VERSION"
}
