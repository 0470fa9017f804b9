import { expect } from 'vitest';
import type { SectionRecord } from './transcript.js';

/* Checks on the DIRECT run, so that a comparison can never pass on two equally broken transcripts. */

const text = (value: unknown): string => JSON.stringify(value);
const frameTexts = (d: SectionRecord): string[] =>
  d.frames === 'timing-dependent' ? [] : d.frames.map((f) => JSON.stringify(f));
const names = (list: unknown, key: string): string[] =>
  ((list as Record<string, { name: string }[]>)[key] ?? []).map((item) => item.name);

export const everythingExpectations: Record<string, (direct: SectionRecord) => void> = {
  connect: (d) => {
    expect(text(d.frames)).toContain('"serverInfo":{"name":"mcp-servers/everything"');
  },
  handshake: (d) => {
    expect(text(d.results)).toContain('"name":"mcp-servers/everything"');
  },
  lists: (d) => {
    const r = d.results as Record<string, unknown>;
    expect(names(r['tools'], 'tools')).toEqual(
      expect.arrayContaining([
        'echo',
        'get-tiny-image',
        'trigger-sampling-request',
        'trigger-elicitation-request',
        'get-roots-list',
      ]),
    );
    expect(names(r['prompts'], 'prompts')).toEqual([
      'simple-prompt',
      'args-prompt',
      'completable-prompt',
      'resource-prompt',
    ]);
    expect(names(r['resources'], 'resources').length).toBeGreaterThan(3);
    expect(names(r['resourceTemplates'], 'resourceTemplates')).toHaveLength(2);
  },
  tools: (d) => {
    const r = text(d.results);
    expect(r).toContain('"type":"image"');
    expect(r).toContain('"structuredContent":{"temperature":36');
    expect(r).toContain('E2E_MARKER');
    expect(r).toContain('"type":"resource_link"');
  },
  prompts: (d) => {
    expect(text(d.results)).toContain('Please promote Eve to the head of the Sales team.');
  },
  completions: (d) => {
    expect(text(d.results)).toContain('"values":["Sales","Support"]');
  },
  resources: (d) => {
    expect(text(d.results)).toContain('base64:Resource 6: This is a base64 blob');
  },
  'logging-and-subscriptions': (d) => {
    const frames = frameTexts(d);
    expect(frames.filter((f) => f.includes('notifications/resources/updated'))).toHaveLength(2);
    expect(
      frames.some((f) =>
        f.includes(
          'Subscribe Resource request for URI: demo://resource/static/document/startup.md',
        ),
      ),
    ).toBe(true);
    expect(
      frames.some((f) =>
        f.includes(
          'Subscribe Resource request for URI: demo://resource/static/document/features.md',
        ),
      ),
    ).toBe(false);
  },
  progress: (d) => {
    expect((d.results as { firstProgress: unknown }).firstProgress).toEqual({
      progress: 1,
      total: 3,
    });
    expect(frameTexts(d).filter((f) => f.includes('notifications/progress'))).toHaveLength(3);
  },
  cancellation: (d) => {
    const r = d.results as { settled: string; progress: { progress: number }[] };
    expect(r.settled).toMatch(/^rejected/);
    // The server saw the cancellation: it sent no response for the cancelled request.
    const frames = frameTexts(d);
    const token = (
      JSON.parse(frames.find((f) => f.includes('progressToken'))!) as {
        params: { progressToken: unknown };
      }
    ).params.progressToken;
    expect(frames.filter((f) => f.includes(`"id":${JSON.stringify(token)},"result"`))).toEqual([]);
  },
  sampling: (d) => {
    expect(text(d.handled)).toContain('sampling/createMessage');
    expect(text(d.results)).toContain('Canned sample from the e2e client.');
  },
  elicitation: (d) => {
    expect(text(d.handled)).toContain('elicitation/create');
    expect(text(d.results)).toContain('Name: Ada Lovelace');
  },
  'url-elicitation': (d) => {
    expect(text(d.handled)).toContain('"mode":"url"');
    expect(text(d.frames)).toContain('-32042');
  },
  roots: (d) => {
    expect(text(d.results)).toContain('Current MCP Roots (2 total)');
    expect(text(d.handled)).toContain('roots/list');
  },
  tasks: (d) => {
    const r = text(d.results);
    expect(r).toContain('Research Report: python (programming)');
    expect(r).toContain('input_required');
    expect(r).toContain('[COMPLETED] Async sampling completed!');
    const listAndCancel = (d.results as { listAndCancel: Record<string, unknown> }).listAndCancel;
    expect(listAndCancel).toMatchObject({
      cancelled: { status: 'cancelled' },
      afterwards: { status: 'cancelled' },
    });
    expect(text(listAndCancel['listed'])).toContain('"status":"working"');
  },
};
