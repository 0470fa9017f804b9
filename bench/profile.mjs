#!/usr/bin/env node
/**
 * Where the shim spends its CPU: runs the shim under `node --cpu-prof` while a
 * client pipelines echo calls (or lists 1,000 tools), then prints the functions
 * with the most self time, and the same summed per source file.
 *   node bench/profile.mjs [calls|list|notifications] [--audit] [--count N]
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import console from 'node:console';
import { echoServer, ROOT, SHIM_MAIN } from './lib/paths.mjs';
import { pipeline } from './lib/run-paths.mjs';
import { echoParams, expectEcho, startPath } from './lib/spawn-path.mjs';

const WORKLOADS = ['calls', 'list', 'notifications'];

const fileOf = (url) => (url === '' ? '(native/vm)' : url.replace(`file://${ROOT}`, ''));
const frameKey = ({ functionName, url, lineNumber }) =>
  `${functionName || '(anonymous)'} ${fileOf(url)}:${lineNumber + 1}`;

/** Self time per call-frame key, from a V8 .cpuprofile. Pure. */
export function selfTimes(profile) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const counts = new Map();
  for (const id of profile.samples) counts.set(id, (counts.get(id) ?? 0) + 1);
  const total = profile.samples.length;
  const functions = new Map();
  const files = new Map();
  for (const [id, count] of counts) {
    const { url } = byId.get(id).callFrame;
    const file = fileOf(url);
    const key = frameKey(byId.get(id).callFrame);
    functions.set(key, (functions.get(key) ?? 0) + count);
    files.set(file, (files.get(file) ?? 0) + count);
  }
  // Inclusive time: a sample counts once for every distinct function on its stack.
  const parents = new Map();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parents.set(child, node.id);
  const inclusive = new Map();
  const callers = new Map();
  for (const [id, count] of counts) {
    const seen = new Set();
    for (let at = id; at !== undefined; at = parents.get(at)) {
      const key = frameKey(byId.get(at).callFrame);
      if (!seen.has(key)) inclusive.set(key, (inclusive.get(key) ?? 0) + count);
      seen.add(key);
    }
    const parent = parents.get(id);
    if (parent !== undefined) {
      const edge = `${frameKey(byId.get(id).callFrame)}  ⟵  ${frameKey(byId.get(parent).callFrame)}`;
      callers.set(edge, (callers.get(edge) ?? 0) + count);
    }
  }
  const top = (map) =>
    [...map].sort((a, b) => b[1] - a[1]).map(([key, count]) => ({ key, share: count / total }));
  return {
    functions: top(functions),
    files: top(files),
    inclusive: top(inclusive),
    callers: top(callers),
    total,
  };
}

async function main() {
  const args = process.argv.slice(2);
  const workload = args.find((arg) => WORKLOADS.includes(arg)) ?? 'calls';
  const countFlag = args.indexOf('--count');
  const count = countFlag === -1 ? 100_000 : Number(args[countFlag + 1]);
  const dir = mkdtempSync(join(tmpdir(), 'mcp-opa-shim-profile-'));
  const audit = args.includes('--audit') ? ['--audit-log', join(dir, 'audit.jsonl')] : [];
  const server = echoServer(workload === 'list' ? ['--tools', '1000'] : []);
  const path = {
    id: 'shim',
    label: 'shim under --cpu-prof',
    command: process.execPath,
    args: [
      '--cpu-prof',
      '--cpu-prof-dir',
      dir,
      SHIM_MAIN,
      '--log-level',
      'silent',
      ...audit,
      '--',
      server.command,
      ...server.args,
    ],
  };
  const item = await startPath(path);
  try {
    if (workload === 'calls') {
      await pipeline(
        item.client,
        count,
        64,
        (client, index) => client.requestWhenWritable('tools/call', echoParams(`m${index}`)),
        (message, index) => {
          expectEcho(message, `m${index}`);
        },
      );
    } else if (workload === 'list') {
      for (let index = 0; index < count / 1000; index++)
        await item.client.request('tools/list', {});
    } else {
      await item.client.request('tools/call', { name: 'burst', arguments: { count } });
    }
  } catch (error) {
    throw item.explain(error);
  } finally {
    await item.close();
  }
  const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
  if (file === undefined)
    throw new Error('Expected a .cpuprofile from the shim; it did not exit cleanly.');
  const { functions, files, inclusive, callers, total } = selfTimes(
    JSON.parse(readFileSync(join(dir, file), 'utf8')),
  );
  console.log(`${workload} ×${count}${audit.length ? ' with --audit-log' : ''}: ${total} samples`);
  console.log('\nSelf time by function:');
  for (const { key, share } of functions.slice(0, 30))
    console.log(`${(share * 100).toFixed(1).padStart(5)}%  ${key}`);
  console.log('\nInclusive time by function (JS in dist/ and node_modules/):');
  for (const { key, share } of inclusive
    .filter(({ key }) => /dist\/|node_modules/.test(key))
    .slice(0, 30)) {
    console.log(`${(share * 100).toFixed(1).padStart(5)}%  ${key}`);
  }
  console.log('\nHottest self-time frames with their caller:');
  for (const { key, share } of callers.slice(0, 15))
    console.log(`${(share * 100).toFixed(1).padStart(5)}%  ${key}`);
  console.log('\nSelf time by file:');
  for (const { key, share } of files.slice(0, 20))
    console.log(`${(share * 100).toFixed(1).padStart(5)}%  ${key}`);
  rmSync(dir, { recursive: true, force: true });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
