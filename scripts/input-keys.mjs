#!/usr/bin/env node
// Which top-level input keys Rego modules can read, from their ASTs (`opa parse --format json`):
//   node scripts/input-keys.mjs out.json policy.rego [more.rego...]
// writes {"keys": [...]} (sorted), or {"keys": null} when a module reads `input` in a way that
// names no key (`input` on its own, `input[k]`, `with input as …`). The engine passes the
// embedded policy only those keys (src/policy/project-input.ts), so the rules never see the
// rest, and the Wasm module parses less on every evaluation.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import process from 'node:process';

const isInputVar = (term) => term?.type === 'var' && term.value === 'input';

/**
 * The keys named by every `input.<key>…` reference in one parsed module (added to `keys`);
 * false when some use of `input` names no key. Pure.
 */
export function collectInputKeys(ast, keys = new Set()) {
  let bounded = true;
  const visit = (node) => {
    if (!bounded || node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
      return;
    }
    if (node.type === 'ref' && Array.isArray(node.value) && isInputVar(node.value[0])) {
      const [, key, ...rest] = node.value;
      if (key?.type !== 'string') {
        bounded = false;
        return;
      }
      keys.add(key.value);
      visit(rest);
      return;
    }
    // `input` anywhere but at the head of a reference: the whole document may be read.
    if (isInputVar(node)) {
      bounded = false;
      return;
    }
    for (const value of Object.values(node)) visit(value);
  };
  visit(ast);
  return bounded ? keys : false;
}

/** The keys all `modules` (parsed ASTs) can read, sorted; null when they are unbounded. Pure. */
export function inputKeysOf(modules) {
  const keys = new Set();
  for (const ast of modules) if (collectInputKeys(ast, keys) === false) return null;
  return [...keys].sort();
}

function main([out, ...files]) {
  if (out === undefined || files.length === 0)
    throw new Error('Usage: node scripts/input-keys.mjs <out.json> <module.rego>...');
  const modules = files.map((file) =>
    JSON.parse(execFileSync('opa', ['parse', '--format', 'json', file], { encoding: 'utf8' })),
  );
  writeFileSync(out, `${JSON.stringify({ keys: inputKeysOf(modules) })}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) main(process.argv.slice(2));
