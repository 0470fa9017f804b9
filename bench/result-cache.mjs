#!/usr/bin/env node
/**
 * An experiment, not a scenario: what reusing the last evaluation's parsed result saves
 * (src/policy/wasm-abi.ts, readResult). Two engines of the embedded policy evaluate the same
 * typical input stream in alternating blocks; in one, the reuse is switched off by replacing
 * its result reader with the plain decode-and-parse.
 *   node bench/result-cache.mjs [stream index, 0-4 of bench/fixtures/policy-inputs.mjs]
 */
import console from 'node:console';
import { join } from 'node:path';
import process from 'node:process';
import { pathToFileURL } from 'node:url';
import { policyInputStreams } from './fixtures/policy-inputs.mjs';
import { ROOT } from './lib/paths.mjs';
import { summarise } from './lib/stats.mjs';

const load = (path) => import(pathToFileURL(join(ROOT, 'dist', ...path.split('/'))).href);
const modules = {
  ...(await load('input/build-input.js')),
  ...(await load('input/input-context.js')),
  ...(await load('session/session.js')),
};
const { createPolicyEngine } = await load('policy/create-policy-engine.js');
const engine = () =>
  createPolicyEngine({
    policy: { kind: 'embedded' },
    dataFiles: [],
    entrypoint: 'mcp/decision',
    watch: false,
  });
const streamIndex = Number(process.argv[2] ?? 0);
const withReuse = await engine();
const without = await engine();
// Private fields are plain properties at run time: the experiment reaches into them on purpose.
without.policy.abi.readResult = function parseEveryTime(addr) {
  const bytes = this.view();
  return JSON.parse(bytes.toString('utf8', addr, bytes.indexOf(0, addr)));
};
const runs = [
  { label: 'reusing the last result', engine: withReuse, samples: [] },
  { label: 'parsing every result', engine: without, samples: [] },
].map((run) => ({ ...run, stream: policyInputStreams(modules)[streamIndex] }));
const blocks = 60;
const perBlock = 500;
for (let block = 0; block < blocks; block++) {
  for (const run of runs) {
    for (let index = 0; index < perBlock; index++) {
      const input = run.stream.next(block * perBlock + index);
      const started = process.hrtime.bigint();
      const decision = run.engine.evaluate(input);
      if (block > 0) run.samples.push(Number(process.hrtime.bigint() - started) / 1000);
      if (decision.allow !== true)
        throw new Error(`Expected an allow, got ${JSON.stringify(decision)}`);
      if (run.stream.judged)
        run.stream.session.recordOperation(input.operation.type, input.operation.name, true);
    }
  }
}
console.log(`stream: ${runs[0].stream.label}`);
for (const run of runs) {
  const { p50, p99 } = summarise(run.samples);
  console.log(`${run.label.padEnd(26)} p50 ${p50.toFixed(2)} µs  p99 ${p99.toFixed(2)} µs`);
}
