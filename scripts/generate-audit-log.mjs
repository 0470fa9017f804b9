// Writes a large, valid audit log for measuring the offline commands (`audit verify|summary|
// replay|roots` stream in constant memory; docs/audit.md reports the peak RSS):
//
//   node scripts/generate-audit-log.mjs <out.jsonl> <megabytes> [source.jsonl]
//
// It repeats the sessions of a real log (default: the recorded server-filesystem log in
// test/offline/fixtures) until the file reaches the size, re-chaining every record (`seq`,
// `prev_hash`, a fresh `decision_id`) so that `audit verify` passes. The principal cycles through
// 50 names so the summary's tables have more than one row. Records keep their content otherwise.
import { createHash, randomUUID } from 'node:crypto';
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [out, megabytes, source = join(root, 'test/offline/fixtures/filesystem-session.jsonl')] =
  process.argv.slice(2);
if (out === undefined || !(Number(megabytes) > 0)) {
  console.error(
    'Usage: node scripts/generate-audit-log.mjs <out.jsonl> <megabytes> [source.jsonl]',
  );
  process.exit(2);
}
const target = Number(megabytes) * 1024 * 1024;

/** The source's sessions, each a list of records from `start` to `end`. */
function readSessions(file) {
  const sessions = [];
  let current;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line === '') continue;
    const record = JSON.parse(line);
    if (record.type === 'start') current = [];
    current?.push(record);
    if (record.type === 'end' && current !== undefined) {
      sessions.push(current);
      current = undefined;
    }
  }
  if (sessions.length === 0) throw new Error(`${file} holds no complete session`);
  return sessions;
}

const sessions = readSessions(source);
const fd = openSync(out, 'w', 0o600);
let written = 0;
let seq = 0;
let prevHash = null;
let batch = [];
let batchBytes = 0;
const flush = () => {
  writeSync(fd, batch.join(''));
  batch = [];
  batchBytes = 0;
};

for (let n = 0; written < target; n++) {
  const principal = `user-${n % 50}`;
  for (const original of sessions[n % sessions.length]) {
    const record = { ...original, seq, prev_hash: prevHash };
    if ('decision_id' in record) record.decision_id = randomUUID();
    if (record.labels !== undefined) record.labels = { ...record.labels, principal };
    if (record.input?.principal !== undefined)
      record.input = { ...record.input, principal: { ...record.input.principal, id: principal } };
    const line = JSON.stringify(record);
    prevHash = createHash('sha256').update(line).digest('hex');
    seq += 1;
    batch.push(`${line}\n`);
    batchBytes += Buffer.byteLength(line) + 1;
    written += Buffer.byteLength(line) + 1;
  }
  if (batchBytes > 1 << 20) flush();
}
flush();
closeSync(fd);
console.error(`${out}: ${seq} lines, ${(written / 1024 / 1024).toFixed(1)} MiB`);
