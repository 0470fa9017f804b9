#!/usr/bin/env node
/**
 * An experiment, not a baseline: a relay that splits lines with the shim's own
 * framing and writes each line out, with no parsing and no policy. It shows
 * what line handling alone costs on top of the plain relay's hop:
 *   BENCH_SHIM_MAIN=bench/line-relay.mjs LINE_RELAY_READ=data node bench/run.mjs roundtrip
 * LINE_RELAY_READ=iterate reads with `for await` instead of 'data' events.
 * Shim options before `--` are ignored.
 */
import { spawn } from 'node:child_process';
import process from 'node:process';
import { FrameSplitter } from '../dist/framing/frame-splitter.js';

const separator = process.argv.indexOf('--');
const [command, ...args] = process.argv.slice(separator + 1);
const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'] });
const limits = { maxFrameBytes: 1 << 26 };

function byEvents(source, destination) {
  const splitter = new FrameSplitter(limits);
  const frames = [];
  source.on('data', (chunk) => {
    splitter.push(chunk, frames);
    for (const frame of frames) if (frame.kind === 'line') destination.write(`${frame.text}\n`);
    frames.length = 0;
  });
}

async function byIteration(source, destination) {
  const splitter = new FrameSplitter(limits);
  const frames = [];
  for await (const chunk of source) {
    splitter.push(chunk, frames);
    for (const frame of frames) if (frame.kind === 'line') destination.write(`${frame.text}\n`);
    frames.length = 0;
  }
}

const wire = process.env.LINE_RELAY_READ === 'iterate' ? byIteration : byEvents;
void wire(process.stdin, child.stdin);
void wire(child.stdout, process.stdout);
child.on('exit', (code) => {
  process.exitCode = code ?? 1;
});
