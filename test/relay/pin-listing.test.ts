import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PinBook } from '../../src/state/pins/pin-book.js';
import { tempDir } from '../input/helpers/input-fixtures.js';
import { call, startHarness, type Harness } from './helpers/relay-harness.js';

const weather = {
  name: 'weather',
  description: 'Current weather for a city.',
  inputSchema: { type: 'object', properties: { city: { type: 'string' } } },
};
const INTERNAL = /^mcp-opa-shim:catalog:/;

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.relay.failPending('test over');
  harness = undefined;
});

/** A relay with pinning on; `pinned`: the tools a first session already pinned. */
async function pinnedHarness(pinned: object[], timeoutMs = 5000): Promise<Harness> {
  const file = join(tempDir('pin-listing-'), 'pins.json');
  if (pinned.length > 0) {
    const first = new PinBook(file, 's');
    for (const tool of pinned) first.check(tool as Record<string, unknown>);
    first.listingComplete();
    first.save();
  }
  harness = await startHarness([], '2025-06-18', {
    pins: new PinBook(file, 's'),
    pinListingTimeoutMs: timeoutMs,
  });
  return harness;
}

/** The shim's own tools/list request, once it reached the server. */
async function shimListing(h: Harness): Promise<Record<string, unknown>> {
  await h.toServer.waitFor((m) => INTERNAL.test(String(m.id)));
  return h.toServer.flat.find((m) => INTERNAL.test(String(m.id)))!;
}

const toolCalls = (h: Harness) => h.toServer.flat.filter((m) => m.method === 'tools/call');
const textOf = (h: Harness, id: unknown) =>
  JSON.stringify(h.toClient.flat.find((m) => m.id === id));

describe('a tool call made before any tools listing, with pins on', () => {
  it('waits for the shim own listing, then goes on with its id and in the order sent', async () => {
    const h = await pinnedHarness([weather]);
    h.client(call(1, 'weather', { city: 'Oslo' }), call(2, 'weather', { city: 'Bergen' }));
    const listing = await shimListing(h);
    expect(listing).toMatchObject({ method: 'tools/list', params: {} });
    await h.settle();
    expect(toolCalls(h)).toEqual([]);

    h.server({ jsonrpc: '2.0', id: listing.id, result: { tools: [weather] } });
    await h.toServer.waitFor((m) => m.id === 2);
    expect(toolCalls(h).map((m) => m.id)).toEqual([1, 2]);
    // The shim's listing is its own: the client never sees its answer.
    expect(h.toClient.flat.some((m) => m.id === listing.id)).toBe(false);
    expect(h.actions).toEqual([
      'forwarded:initialize:init',
      'forwarded:tools/call:1',
      'forwarded:tools/call:2',
    ]);
  });

  it('is denied, naming the error, when the server fails the shim listing; the next call lists again', async () => {
    const h = await pinnedHarness([weather]);
    h.client(call(1, 'weather', { city: 'Oslo' }));
    const listing = await shimListing(h);
    h.server({ jsonrpc: '2.0', id: listing.id, error: { code: -32603, message: 'busy' } });
    await h.toClient.waitFor((m) => m.id === 1);
    expect(textOf(h, 1)).toContain(
      "Tool `weather` is blocked: its definition could not be checked against its pin: the shim's own tools/list failed (the server answered it with error -32603). List the tools (tools/list), then call it again.",
    );
    expect(toolCalls(h)).toEqual([]);
    expect(h.faults).toEqual([
      expect.objectContaining({
        fault: 'tool_unchecked',
        action: 'denied',
        detail: 'tools/call weather id 1: the server answered it with error -32603: "busy"',
      }),
    ]);
    expect(textOf(h, 1)).not.toContain('busy');

    h.client(call(2, 'weather', { city: 'Oslo' }));
    await h.toServer.waitFor((m) => INTERNAL.test(String(m.id)) && m.id !== listing.id);
    const again = h.toServer.flat.filter((m) => INTERNAL.test(String(m.id)))[1]!;
    h.server({ jsonrpc: '2.0', id: again.id, result: { tools: [weather] } });
    await h.toServer.waitFor((m) => m.id === 2);
  });

  it('is denied when the server does not answer the shim listing in time', async () => {
    const h = await pinnedHarness([weather], 100);
    h.client(call(1, 'weather', { city: 'Oslo' }));
    await shimListing(h);
    await h.toClient.waitFor((m) => m.id === 1);
    expect(textOf(h, 1)).toContain('the server did not answer it within 0.1 s');
    expect(toolCalls(h)).toEqual([]);
  });

  it('is denied when the listing leaves out a pinned tool; one never pinned is judged as usual', async () => {
    const h = await pinnedHarness([weather]);
    h.client(call(1, 'weather', { city: 'Oslo' }), call(2, 'other', {}));
    const listing = await shimListing(h);
    h.server({ jsonrpc: '2.0', id: listing.id, result: { tools: [] } });
    await h.toServer.waitFor((m) => m.id === 2);
    expect(textOf(h, 1)).toContain(
      'Tool `weather` is blocked: the server does not list it, so its definition cannot be checked against its pin.',
    );
    // The server answers for a tool it does not have, as it would without the shim.
    expect(toolCalls(h).map((m) => m.id)).toEqual([2]);
  });

  it('goes on at once after the client listed the tools itself', async () => {
    const h = await pinnedHarness([weather]);
    h.client({ jsonrpc: '2.0', id: 'list', method: 'tools/list', params: {} });
    await h.toServer.waitFor((m) => m.id === 'list');
    h.server({ jsonrpc: '2.0', id: 'list', result: { tools: [weather] } });
    await h.toClient.waitFor((m) => m.id === 'list');
    h.client(call(1, 'weather', { city: 'Oslo' }));
    await h.toServer.waitFor((m) => m.id === 1);
    expect(h.toServer.flat.some((m) => INTERNAL.test(String(m.id)))).toBe(false);
  });
});

describe('a tool call with pins off', () => {
  it('goes on at once, without a listing', async () => {
    harness = await startHarness([]);
    harness.client(call(1, 'weather', { city: 'Oslo' }));
    await harness.toServer.waitFor((m) => m.id === 1);
    expect(harness.toServer.flat.some((m) => INTERNAL.test(String(m.id)))).toBe(false);
  });
});
