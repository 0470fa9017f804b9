import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildListingInput } from '../../src/input/build-input.js';
import type { InputContext } from '../../src/input/input-context.js';
import { initializedSession, tempDir, testContext } from './helpers/input-fixtures.js';

let root: string;
let context: InputContext;

beforeAll(() => {
  root = tempDir('mcp-opa-shim-listing-');
  context = testContext({ roots: [root] });
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('buildListingInput', () => {
  it('asks whether one listed tool may be advertised, with its own hints and digest', () => {
    const item = {
      name: 'delete_everything',
      description: 'Deletes it all.',
      annotations: { destructiveHint: true, readOnlyHint: false },
    };
    const input = buildListingInput('tools/list', item, initializedSession(), context);
    expect(input.direction).toBe('to_client');
    expect(input.message).toEqual({ kind: 'response', method: 'tools/list' });
    expect(input.operation).toEqual({
      type: 'tool',
      name: 'delete_everything',
      listing: true,
      listed: true,
      annotations: { destructiveHint: true, readOnlyHint: false },
      description_sha256: createHash('sha256').update('Deletes it all.').digest('hex'),
    });
    expect(input.arguments).toEqual({});
    expect(input.paths).toEqual([]);
  });

  it('judges a tool listed twice by the entry in hand, not the catalog’s other copy', () => {
    const session = initializedSession();
    session.catalog.observe({ name: 'twin', annotations: { readOnlyHint: true } });
    const destructive = buildListingInput(
      'tools/list',
      { name: 'twin', annotations: { destructiveHint: true } },
      session,
      context,
    );
    expect(destructive.operation.annotations).toEqual({ destructiveHint: true });
    const harmless = buildListingInput(
      'tools/list',
      { name: 'twin', annotations: { readOnlyHint: true } },
      session,
      context,
    );
    expect(harmless.operation.annotations).toEqual({ readOnlyHint: true });
  });

  it('does not add the listed item to the session catalog', () => {
    const session = initializedSession();
    buildListingInput('tools/list', { name: 'fresh' }, session, context);
    expect(session.catalog.get('fresh')).toBeUndefined();
  });

  it('names prompts by name and resource templates by their template', () => {
    expect(
      buildListingInput('prompts/list', { name: 'simple_prompt' }, initializedSession(), context)
        .operation,
    ).toEqual({
      type: 'prompt',
      name: 'simple_prompt',
      listing: true,
    });
    expect(
      buildListingInput(
        'resources/templates/list',
        { uriTemplate: 'test://static/{id}', name: 'Static' },
        initializedSession(),
        context,
      ).operation,
    ).toEqual({ type: 'resource', name: 'test://static/{id}', listing: true });
  });

  it('lets a policy hide file resources outside the roots', () => {
    const outside = pathToFileURL(path.dirname(root)).href;
    const input = buildListingInput(
      'resources/list',
      { uri: outside, name: 'parent' },
      initializedSession(),
      context,
    );
    expect(input.operation).toEqual({ type: 'resource', name: outside, listing: true });
    expect(input.paths).toMatchObject([{ pointer: '/uri', within_roots: false }]);
  });

  it('lets a policy advertise file resources inside the roots', () => {
    const inside = pathToFileURL(path.join(root, 'a.txt')).href;
    expect(
      buildListingInput('resources/list', { uri: inside }, initializedSession(), context).paths,
    ).toMatchObject([{ pointer: '/uri', within_roots: true, root }]);
  });

  it('shares one session snapshot across the items of a page', () => {
    const session = initializedSession();
    const first = buildListingInput('tools/list', { name: 'a' }, session, context);
    const second = buildListingInput('tools/list', { name: 'b' }, session, context);
    expect(second.session).toBe(first.session);
    session.recordOperation('tool', 'a', true);
    expect(buildListingInput('tools/list', { name: 'c' }, session, context).session).not.toBe(
      first.session,
    );
  });
});
