import { mkdirSync, mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { REPO, ShimProcess } from '../helpers/shim-process.js';

const SERVER = `${REPO}test/relay/fixtures/input-required-server.mjs`;
const META = { 'io.modelcontextprotocol/protocolVersion': '2026-07-28' };

function start(root: string): ShimProcess {
  return new ShimProcess(['--root', root, '--log-level', 'silent', '--', process.execPath, SERVER]);
}

describe('modern-era input_required results (embedded server requests)', () => {
  const base = realpathSync(mkdtempSync(join(tmpdir(), 'shim-input-required-')));
  const root = join(base, 'root');
  mkdirSync(root);
  const inside = pathToFileURL(root).href;
  const outside = pathToFileURL(base).href;

  it('narrows a roots answer in the retry to the roots the policy allows', async () => {
    const shim = start(root);
    const first = await shim.request('tools/call', {
      name: 'ask_roots',
      arguments: {},
      _meta: META,
    });
    expect(first.result).toMatchObject({ resultType: 'input_required' });
    const retry = await shim.request('tools/call', {
      name: 'ask_roots',
      arguments: {},
      _meta: META,
      inputResponses: { r1: { roots: [{ uri: inside }, { uri: outside }] } },
    });
    const received = JSON.parse(
      (retry.result as { content: { text: string }[] }).content[0]!.text,
    ) as unknown;
    expect(received).toEqual({ r1: { roots: [{ uri: inside }] } });
    await shim.close();
  });

  it('passes a roots answer that stays within the roots unchanged', async () => {
    const shim = start(root);
    await shim.request('tools/call', { name: 'ask_roots', arguments: {}, _meta: META });
    const retry = await shim.request('tools/call', {
      name: 'ask_roots',
      arguments: {},
      _meta: META,
      inputResponses: { r1: { roots: [{ uri: inside }] } },
    });
    const received = JSON.parse(
      (retry.result as { content: { text: string }[] }).content[0]!.text,
    ) as unknown;
    expect(received).toEqual({ r1: { roots: [{ uri: inside }] } });
    await shim.close();
  });

  it('judges an embedded sampling request like a legacy one: denied by default, the client never sees it', async () => {
    const shim = start(root);
    const reply = await shim.request('tools/call', {
      name: 'ask_sampling',
      arguments: {},
      _meta: META,
    });
    expect(reply.result).toMatchObject({ isError: true });
    expect(JSON.stringify(reply.result)).toContain('sampling/createMessage denied');
    expect(JSON.stringify(reply.result)).not.toContain('input_required');
    await shim.close();
  });
});
