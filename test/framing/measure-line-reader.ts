/**
 * Throughput of readFrames on the hot path (not a test; run by hand):
 *   npx vite-node test/framing/measure-line-reader.ts
 * Feeds N small JSON-RPC lines in 64 KiB chunks, and again through a real pipe from a child process.
 */
import { spawn } from 'node:child_process';
import { Readable } from 'node:stream';
import { readFrames } from '../helpers/read-frames.js';

const LINES = 1_000_000;
const line =
  '{"jsonrpc":"2.0","id":12345,"method":"tools/call","params":{"name":"echo","arguments":{"text":"héllo"}}}\n';

async function count(source: Readable): Promise<{ lines: number; seconds: number }> {
  const started = process.hrtime.bigint();
  let lines = 0;
  for await (const frame of readFrames(source, { maxFrameBytes: 64 * 1024 * 1024 })) {
    if (frame.kind === 'line') lines += 1;
  }
  return { lines, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

function* chunks(): Generator<Buffer> {
  const block = Buffer.from(line.repeat(1000));
  for (let i = 0; i < LINES / 1000; i++) {
    // Cut at odd offsets so frames span chunks, as they do on a real pipe.
    for (let at = 0; at < block.length; at += 65_521) yield block.subarray(at, at + 65_521);
  }
}

function report(label: string, { lines, seconds }: { lines: number; seconds: number }): void {
  const mb = (lines * Buffer.byteLength(line)) / 1e6;
  console.log(
    `${label}: ${lines} lines in ${seconds.toFixed(2)} s = ${Math.round(lines / seconds).toLocaleString('en')} lines/s, ${(mb / seconds).toFixed(0)} MB/s`,
  );
}

report('in-process chunks', await count(Readable.from(chunks())));
const writer = `const b=Buffer.from(${JSON.stringify(line)}.repeat(1000));let i=0;const w=()=>{while(i<${LINES / 1000}){i++;if(!process.stdout.write(b))return process.stdout.once('drain',w)}process.stdout.end()};w()`;
const child = spawn(process.execPath, ['-e', writer], { stdio: ['ignore', 'pipe', 'inherit'] });
report('child pipe       ', await count(child.stdout));
