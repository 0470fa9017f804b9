#!/usr/bin/env bash
# Installs the peer MCP gates that `npm run bench -- --peers` measures beside the shim, each at a
# pinned version, into .tools/peers/ (git-ignored). Run it on request only; CI never does.
#   bash scripts/install-peers.sh [vellaveto|aegis|mcp-fw ...]   (default: all three)
# vellaveto-proxy is built from crates.io with cargo (slow: many minutes on 2 cores); aegis-sandbox
# and mcp-fw go into their own Python venvs. A peer already installed at its version is skipped.
set -euo pipefail

VELLAVETO_VERSION=6.1.1
AEGIS_VERSION=0.9.0
MCP_FW_VERSION=0.2.8

root="$(cd "$(dirname "$0")/.." && pwd)"
peers_dir="$root/.tools/peers"
python="${PYTHON:-python3}"
mkdir -p "$peers_dir"

install_vellaveto() {
  local dir="$peers_dir/vellaveto"
  if [ -x "$dir/bin/vellaveto-proxy" ] && [ -f "$dir/VERSION" ] &&
    [ "$(cat "$dir/VERSION")" = "$VELLAVETO_VERSION" ]; then
    echo "install-peers: vellaveto-proxy $VELLAVETO_VERSION is installed" >&2
    return
  fi
  if ! command -v cargo >/dev/null 2>&1; then
    echo "install-peers: \`cargo\` is not on PATH; install Rust (https://rustup.rs) to build vellaveto-proxy, or name only the Python peers: bash scripts/install-peers.sh aegis mcp-fw" >&2
    return 1
  fi
  echo "install-peers: building vellaveto-proxy $VELLAVETO_VERSION with cargo into $dir (slow)" >&2
  cargo install vellaveto-proxy --version "$VELLAVETO_VERSION" --locked --root "$dir" >&2
  printf '%s\n' "$VELLAVETO_VERSION" >"$dir/VERSION"
}

# install_venv <dir name> <package==version> [extra requirement...]
install_venv() {
  local name="$1" requirement="$2"
  shift 2
  local dir="$peers_dir/$name"
  if [ -f "$dir/REQUIREMENT" ] && [ "$(cat "$dir/REQUIREMENT")" = "$requirement" ]; then
    echo "install-peers: $requirement is installed" >&2
    return
  fi
  echo "install-peers: installing $requirement into the venv $dir" >&2
  rm -rf "$dir"
  "$python" -m venv "$dir"
  "$dir/bin/pip" install --quiet --disable-pip-version-check "$requirement" "$@" >&2
  printf '%s\n' "$requirement" >"$dir/REQUIREMENT"
}

peers=("$@")
[ ${#peers[@]} -eq 0 ] && peers=(vellaveto aegis mcp-fw)
for peer in "${peers[@]}"; do
  case "$peer" in
  vellaveto) install_vellaveto ;;
  aegis) install_venv aegis "aegis-sandbox==$AEGIS_VERSION" ;;
  # mcp-fw 0.2.8 does not start with the mcp 2.x SDK.
  mcp-fw) install_venv mcp-fw "mcp-fw==$MCP_FW_VERSION" 'mcp<2' ;;
  *)
    echo "install-peers: expected a peer among vellaveto, aegis, mcp-fw, got \`$peer\`" >&2
    exit 2
    ;;
  esac
done
