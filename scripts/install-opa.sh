#!/usr/bin/env bash
# Installs the pinned OPA CLI as a Go module into a per-user cache keyed by version,
# only when it is missing, and prints the directory holding `opa` on stdout:
#   PATH="$(bash scripts/install-opa.sh):$PATH"
set -euo pipefail

OPA_VERSION="${OPA_VERSION:-v1.22.2}"
cache_root="${XDG_CACHE_HOME:-$HOME/.cache}/mcp-opa-shim"
bin_dir="$cache_root/opa-$OPA_VERSION"

if [ ! -x "$bin_dir/opa" ]; then
  if ! command -v go >/dev/null 2>&1; then
    echo "install-opa: \`go\` is not on PATH; install Go (https://go.dev/dl/) or put opa $OPA_VERSION at $bin_dir/opa" >&2
    exit 1
  fi
  mkdir -p "$bin_dir"
  echo "install-opa: installing github.com/open-policy-agent/opa@$OPA_VERSION into $bin_dir" >&2
  # Progress goes to stderr: stdout carries only the directory.
  GOBIN="$bin_dir" go install "github.com/open-policy-agent/opa@$OPA_VERSION" >&2
fi

installed="$("$bin_dir/opa" version 2>/dev/null | sed -n 's/^Version: //p')"
if [ "v$installed" != "$OPA_VERSION" ]; then
  echo "install-opa: $bin_dir/opa reports version \`$installed\`, expected $OPA_VERSION; delete $bin_dir and rerun" >&2
  exit 1
fi

printf '%s\n' "$bin_dir"
