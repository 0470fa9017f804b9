/** Sorting a V8 CPU profile of the shim into the stages a message passes. Pure: data in, data out. */

/** Stages in the order a message meets them; the first rule matching a frame's file wins. */
export const STAGES = [
  ['read', 'splitting the bytes read into lines (framing/frame-splitter, pump-frames)'],
  ['scan', 'byte scan of server frames that need no judgement (messages/scan-frame …)'],
  ['parse', 'parsing and classifying a judged frame (messages/parse-frame, json-tokens …)'],
  ['input', 'building the policy input (input/)'],
  [
    'eval',
    'policy evaluation: input into Wasm memory, the Wasm, the result out (policy/, opa-wasm)',
  ],
  ['secrets', 'looking for secret values in the frames (secrets/)'],
  ['audit', 'building, hashing and writing the audit record (audit/)'],
  ['write', 'queuing lines for the pipes (framing/frame-writer)'],
  ['relay', 'the rest of the shim: routing, session bookkeeping, outcomes (relay/, session/, …)'],
  ['node I/O', 'Node’s own stream and pipe code, and its native calls, outside any shim frame'],
  ['gc', 'V8’s garbage collector on the main thread'],
  ['other', 'the runtime outside JavaScript (V8’s “(program)”)'],
];

const FILE_STAGES = [
  [/\/framing\/(frame-splitter|pump-frames)\.js$/, 'read'],
  [/\/messages\/(scan-frame|classify-scan|scanned-value)\.js$/, 'scan'],
  [/\/messages\//, 'parse'],
  [/\/input\//, 'input'],
  [/\/policy\/|@open-policy-agent|^wasm:/, 'eval'],
  [/\/secrets\//, 'secrets'],
  [/\/audit\//, 'audit'],
  [/\/framing\/frame-writer\.js$/, 'write'],
  [/\/dist\//, 'relay'],
];

/** The stage of one profile sample: the innermost shim frame on its stack decides. Pure. */
export function sampleStage(stack) {
  const leaf = stack[0]?.functionName;
  if (leaf === '(garbage collector)') return 'gc';
  if (leaf === '(idle)') return 'idle';
  if (leaf === '(program)' || leaf === '(root)') return 'other';
  for (const frame of stack)
    for (const [pattern, stage] of FILE_STAGES) if (pattern.test(frame.url)) return stage;
  return 'node I/O';
}

/** µs of main-thread time per stage in a V8 CPU profile, idle excluded. Pure. */
export function stageMicros(profile) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parent.set(child, node.id);
  const stageOf = new Map();
  const stage = (id) => {
    if (!stageOf.has(id)) {
      const stack = [];
      for (let at = id; at !== undefined; at = parent.get(at)) stack.push(byId.get(at).callFrame);
      stageOf.set(id, sampleStage(stack));
    }
    return stageOf.get(id);
  };
  const micros = {};
  profile.samples.forEach((id, index) => {
    const key = stage(id);
    micros[key] = (micros[key] ?? 0) + (profile.timeDeltas[index + 1] ?? 0);
  });
  return micros;
}

/** Bytes the program allocated between two heap readings, from the heap around each GC. Pure. */
export function allocatedBytes(gc, usedAtStart, usedAtStop) {
  let total = 0;
  let used = usedAtStart;
  for (const entry of gc) {
    total += Math.max(0, entry.before - used);
    used = entry.after;
  }
  return total + Math.max(0, usedAtStop - used);
}

/** Bytes allocated per stage in a sampling heap profile (`HeapProfiler.stopSampling`). Pure. */
export function stageBytes(heapProfile) {
  const bytes = {};
  const walk = (node, stack) => {
    const frames = [node.callFrame, ...stack];
    if (node.selfSize > 0) {
      const key = sampleStage(frames);
      bytes[key] = (bytes[key] ?? 0) + node.selfSize;
    }
    for (const child of node.children ?? []) walk(child, frames);
  };
  walk(heapProfile.head, []);
  return bytes;
}
