import { mkdirSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { FIXTURES, ShimProcess } from '../helpers/shim-process.js';

const SERVER = `${FIXTURES}/hostile-modern-server.mjs`;
const META = { 'io.modelcontextprotocol/protocolVersion': '2026-07-28' };
const base = realpathSync(mkdtempSync(join(tmpdir(), 'shim-embedded-')));
const root = join(base, 'root');
mkdirSync(root);
const inside = pathToFileURL(root).href;

let shim: ShimProcess | undefined;
afterEach(async () => {
  await shim?.close();
  shim = undefined;
});

function start(env: Record<string, string> = {}): ShimProcess {
  shim = new ShimProcess(
    ['--root', root, '--log-level', 'silent', '--', process.execPath, SERVER],
    { env },
  );
  return shim;
}

const call = (s: ShimProcess, name: string, extra: Record<string, unknown> = {}) =>
  s.request('tools/call', { name, arguments: {}, _meta: META, ...extra });

/** The text the model reads from a tools/call result. */
const toolText = (reply: Record<string, unknown>) =>
  JSON.stringify((reply.result as { content?: unknown } | undefined)?.content ?? reply.error);

describe('embedded requests the server puts where no one judges them', () => {
  it.each([
    ['a complete result', 'stray_no_result_type'],
    ['a nested member of a result', 'stray_nested'],
    ['an error’s data', 'stray_in_error'],
    ['a result, with the key written as a JSON escape', 'stray_escaped_key'],
  ])(
    'refuses inputRequests in %s: the tool call fails and the client never sees them',
    async (_, tool) => {
      const s = start();
      const reply = await call(s, tool);
      expect(reply.result).toMatchObject({ isError: true });
      expect(toolText(reply)).toContain('inputRequests');
      expect(s.stdoutLines.join('\n')).not.toContain('sampling/createMessage');
    },
  );

  it('drops a notification that carries inputRequests and relays what follows', async () => {
    const s = start();
    const reply = await call(s, 'stray_notification');
    expect(toolText(reply)).toContain('after the notification');
    expect(s.stdoutLines.join('\n')).not.toContain('inputRequests');
  });

  it('refuses a server request whose params carry inputRequests', async () => {
    const s = start();
    const reply = await call(s, 'stray_request');
    expect(toolText(reply)).toContain('after the request');
    expect(s.stdoutLines.join('\n')).not.toContain('srv-1');
  });
});

describe('embedded requests of a shape the shim cannot judge', () => {
  it('refuses an embedded request whose method it does not know', async () => {
    const s = start();
    const reply = await call(s, 'unknown_method');
    expect(reply.result).toMatchObject({ isError: true });
    expect(toolText(reply)).toContain('method \\"tools/call\\"');
    expect(s.stdoutLines.join('\n')).not.toContain('input_required');
  });

  it('refuses an embedded request that is not an object', async () => {
    const s = start();
    const reply = await call(s, 'bad_shape');
    expect(reply.result).toMatchObject({ isError: true });
    expect(s.stdoutLines.join('\n')).not.toContain('input_required');
  });

  it('relays the judged value when a key repeats, never the spelling a first-wins parser reads', async () => {
    const s = start();
    const reply = await call(s, 'duplicate_keys');
    expect(reply.result).toEqual({
      resultType: 'input_required',
      inputRequests: { r1: { method: 'roots/list', params: {} } },
    });
    expect(s.stdoutLines.join('\n')).not.toContain('sampling/createMessage');
  });
});

describe('inputResponses answer only what the shim relayed for the same round', () => {
  const rootsAnswer = { roots: [{ uri: inside }] };

  it('refuses an answer to a key judged before a denied one in the same input_required', async () => {
    const s = start();
    const first = await call(s, 'ask_roots_and_sampling');
    expect(toolText(first)).toContain('sampling/createMessage denied');
    const retry = await call(s, 'ask_roots_and_sampling', { inputResponses: { r1: rootsAnswer } });
    expect(retry.result).toMatchObject({ isError: true });
    expect(toolText(retry)).toContain('answers no input request the shim relayed');
    expect(toolText(retry)).not.toContain('inputResponses\\":{');
  });

  it('refuses a key the server never asked for', async () => {
    const s = start();
    await call(s, 'ask_roots');
    const retry = await call(s, 'ask_roots', { inputResponses: { zz: rootsAnswer } });
    expect(toolText(retry)).toContain('\\"zz\\" answers no input request');
  });

  it('refuses a key asked for by another request', async () => {
    const s = start();
    await call(s, 'ask_roots');
    const retry = await call(s, 'ask_elicit', { inputResponses: { r1: rootsAnswer } });
    expect(toolText(retry)).toContain('\\"r1\\" answers no input request');
  });

  it('refuses inputResponses in a request that is not a retry, and relays them in one that is', async () => {
    const s = start();
    const answer = { e1: { action: 'accept', content: { colour: 'red' } } };
    const early = await call(s, 'ask_elicit', { inputResponses: answer });
    expect(toolText(early)).toContain('answers no input request');
    await call(s, 'ask_elicit');
    const retry = await call(s, 'ask_elicit', { inputResponses: answer });
    expect(toolText(retry)).toContain('red');
    expect(retry.result).not.toMatchObject({ isError: true });
  });

  it('refuses inputResponses that are not an object', async () => {
    const s = start();
    await call(s, 'ask_elicit');
    const retry = await call(s, 'ask_elicit', { inputResponses: ['e1'] });
    expect(toolText(retry)).toContain('is not an object');
  });
});

describe('tasks: only those created through the shim, their embedded requests judged', () => {
  it('refuses tasks/get for a task no relayed request created, and relays it for one that did', async () => {
    const s = start();
    const ghost = await s.request('tasks/get', { taskId: 't-ghost', _meta: META });
    expect(ghost.error).toMatchObject({ code: -32602 });
    expect(JSON.stringify(ghost.error)).toContain('no request relayed by the shim created');
    await call(s, 'make_task', { task: { ttl: 60_000 } });
    const made = await s.request('tasks/get', { taskId: 't-made', _meta: META });
    expect(made.result).toMatchObject({ taskId: 't-made', status: 'completed' });
  });

  it('refuses tasks/result and tasks/cancel for an unknown task', async () => {
    const s = start();
    for (const method of ['tasks/result', 'tasks/cancel']) {
      const reply = await s.request(method, { taskId: 't-ghost', _meta: META });
      expect(reply.error).toMatchObject({ code: -32602 });
    }
  });

  it('lists only tasks created through the shim', async () => {
    const s = start();
    await call(s, 'make_task', { task: { ttl: 60_000 } });
    const list = await s.request('tasks/list', { _meta: META });
    expect(list.result).toEqual({ tasks: [{ taskId: 't-made', status: 'working' }] });
  });

  it('drops status notifications for tasks it never saw created', async () => {
    const s = start();
    await call(s, 'make_task', { task: { ttl: 60_000 } });
    await call(s, 'task_status_pushes');
    const statuses = s.stdoutLines.filter((line) => line.includes('notifications/tasks/status'));
    expect(statuses).toHaveLength(1);
    expect(statuses[0]).toContain('t-made');
  });

  it('judges a 2026 task’s embedded requests in tasks/get: a denied one never reaches the client', async () => {
    const s = start({ ASK: 'sampling' });
    await call(s, 'make_task_2026');
    const polled = await s.request('tasks/get', { taskId: 't-2026', _meta: META });
    expect(polled.error).toMatchObject({ code: -32602 });
    expect(JSON.stringify(polled.error)).toContain('sampling/createMessage denied');
    expect(s.stdoutLines.join('\n')).not.toContain('maxTokens');
  });

  it('relays tasks/update only with answers to keys the task asked for', async () => {
    const s = start({ ASK: 'elicit' });
    await call(s, 'make_task_2026');
    const polled = await s.request('tasks/get', { taskId: 't-2026', _meta: META });
    expect(polled.result).toMatchObject({ status: 'input_required', inputRequests: { q1: {} } });
    const answer = { action: 'accept', content: { colour: 'red' } };
    const wrongKey = await s.request('tasks/update', {
      taskId: 't-2026',
      inputResponses: { q9: answer },
      _meta: META,
    });
    expect(JSON.stringify(wrongKey.error)).toContain('\\"q9\\" answers no input request');
    const otherTask = await s.request('tasks/update', {
      taskId: 't-ghost',
      inputResponses: { q1: answer },
      _meta: META,
    });
    expect(otherTask.error).toMatchObject({ code: -32602 });
    const update = await s.request('tasks/update', {
      taskId: 't-2026',
      inputResponses: { q1: answer },
      _meta: META,
    });
    expect(toolText(update)).toContain('red');
  });

  it('judges a 2026 task’s result in tasks/get as the call that created it, under the policy in force', async () => {
    const policy = join(base, 'task-policy.rego');
    writeFileSync(policy, 'package mcp\n\ndecision := {"allow": true}\n');
    const s = new ShimProcess(
      ['--policy', policy, '--log-level', 'info', '--', process.execPath, SERVER],
      { env: { DONE: '1' } },
    );
    shim = s;
    await call(s, 'make_task_2026');
    const before = await s.request('tasks/get', { taskId: 't-2026', _meta: META });
    expect(JSON.stringify(before.result)).toContain('the 2026 result');
    writeFileSync(
      policy,
      'package mcp\n\nimport rego.v1\n\ndefault decision := {"allow": true}\n\n' +
        'decision := {"allow": false, "message": "No more 2026 tasks."} if input.operation.name == "make_task_2026"\n',
    );
    const deadline = Date.now() + 20_000;
    while (!s.stderr.includes('policy reloaded')) {
      if (Date.now() > deadline) throw new Error(`the policy did not reload:\n${s.stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const after = await s.request('tasks/get', { taskId: 't-2026', _meta: META });
    expect(after.error).toMatchObject({ code: -32602, message: 'No more 2026 tasks.' });
    expect(s.stdoutLines.filter((line) => line.includes('the 2026 result'))).toHaveLength(1);
  });
});
