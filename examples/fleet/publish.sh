#!/usr/bin/env bash
# Builds the bundle from policy.rego and data.json here, signs it with the given key and writes it where the bundle
# server (nginx, a CDN origin, an object store) serves it.
#   usage: ./publish.sh <revision> <output.tar.gz> [signing-key.pem]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
revision="$1"
out="$2"
key="${3:-$here/keys/TEST-ONLY-signing-key.pem}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$here/policy.rego" "$here/data.json" "$work/"
# 1. Compile the Rego to Wasm, the form the shim evaluates.
opa build -t wasm -e mcp/decision -o "$work/wasm.tar.gz" "$work/policy.rego"
tar -xzf "$work/wasm.tar.gz" -C "$work" /policy.wasm 2>/dev/null || tar -xzf "$work/wasm.tar.gz" -C "$work" policy.wasm
rm "$work/wasm.tar.gz"
# 2. Bundle Rego + Wasm + data, with a revision, signed. An OPA agent reading the same bundle
#    evaluates the Rego; the shim evaluates /policy.wasm.
(cd "$work" && opa build -b . -r "$revision" --signing-key "$key" --verification-key-id fleet -o "$work/bundle.tar.gz")
# 3. Publish by rename, so the server never serves half a file.
cp "$work/bundle.tar.gz" "$out.tmp"
mv "$out.tmp" "$out"
echo "published revision $revision to $out" >&2
