#!/usr/bin/env bash
# Checks the default policy: formatting, compilation, `opa test`, and that the shipped Wasm
# (src/policy/embedded/policy.wasm) is exactly what policy.rego compiles to, with the input keys it
# reads (input-keys.json).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
PATH="$(bash scripts/install-opa.sh):$PATH"

sources=(policy.rego src/policy/system-log.rego)
tests=(test/policy/rego)

echo "check-policy: opa fmt" >&2
if ! opa fmt --fail --list "${sources[@]}" "${tests[@]}" >/dev/null; then
  opa fmt --diff "${sources[@]}" "${tests[@]}" >&2
  echo "check-policy: run \`opa fmt -w ${sources[*]} ${tests[*]}\`" >&2
  exit 1
fi

echo "check-policy: opa check --strict" >&2
opa check --strict "${sources[@]}" "${tests[@]}"

echo "check-policy: opa test" >&2
opa test "${sources[@]}" "${tests[@]}" -v

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "check-policy: shipped Wasm matches policy.rego" >&2
bash scripts/build-policy.sh "$work/a.wasm"
bash scripts/build-policy.sh "$work/b.wasm"
if ! cmp -s "$work/a.wasm" "$work/b.wasm"; then
  echo "check-policy: opa build is not deterministic here; cannot compare the shipped Wasm" >&2
  exit 1
fi
if ! cmp -s "$work/a.wasm" src/policy/embedded/policy.wasm; then
  echo "check-policy: src/policy/embedded/policy.wasm is stale; run \`npm run policy:build\` and commit it" >&2
  exit 1
fi
if ! cmp -s "$work/input-keys.json" src/policy/embedded/input-keys.json; then
  echo "check-policy: src/policy/embedded/input-keys.json is stale; run \`npm run policy:build\` and commit it" >&2
  exit 1
fi
echo "check-policy: ok" >&2
