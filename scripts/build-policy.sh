#!/usr/bin/env bash
# Compiles the default policy to Wasm and writes the shipped module:
#   bash scripts/build-policy.sh [out.wasm]   (default src/policy/embedded/policy.wasm)
# and, next to it, input-keys.json (the input keys the policy can read).
# Paths are passed relative to the repository root: opa embeds them in error locations,
# so relative paths keep the output identical on every machine.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
out="${1:-src/policy/embedded/policy.wasm}"
case "$out" in /*) ;; *) out="$root/$out" ;; esac

PATH="$(bash scripts/install-opa.sh):$PATH"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

opa build -t wasm \
  -e mcp/decision -e mcp/data_errors -e mcp/process_plan -e system/log/mask -e system/log/drop \
  -o "$work/bundle.tar.gz" \
  policy.rego src/policy/system-log.rego

tar -xzf "$work/bundle.tar.gz" -C "$work" /policy.wasm 2>/dev/null || tar -xzf "$work/bundle.tar.gz" -C "$work" policy.wasm
mkdir -p "$(dirname "$out")"
cp "$work/policy.wasm" "$out"
echo "build-policy: wrote $out ($(wc -c <"$out") bytes, sha256 $(sha256sum "$out" | cut -d' ' -f1))" >&2
# The input keys the modules can read, next to the module: the engine passes only those.
keys="$(dirname "$out")/input-keys.json"
node scripts/input-keys.mjs "$keys" policy.rego src/policy/system-log.rego
echo "build-policy: wrote $keys: $(cat "$keys")" >&2
