import { normalise } from './normalise.js';
import type { ScenarioClient } from './scenario-client.js';

/** What one section of a scenario produced: its API results, the frames and handled requests. */
export interface SectionRecord {
  readonly results: unknown;
  readonly frames: unknown[] | 'timing-dependent';
  /** The notifications of the section in arrival order: a relay must not reorder them. */
  readonly notificationOrder?: unknown[];
  readonly handled: unknown;
}

export type Transcript = Record<string, SectionRecord>;

/** A JSON-RPC error as the client surfaced it: the code and message are part of the result. */
export async function outcome(promise: Promise<unknown>): Promise<unknown> {
  try {
    return await promise;
  } catch (error) {
    const e = error as { code?: unknown; message?: unknown; name?: unknown };
    return { rejected: { name: e.name, code: e.code, message: e.message } };
  }
}

/**
 * Runs one section: marks the frame recorder, runs `body`, and records the
 * normalised results, frames and server-to-client requests of the section.
 */
export async function runSection(
  client: ScenarioClient,
  transcript: Transcript,
  name: string,
  body: () => Promise<unknown>,
  options: { framesAreTimingDependent?: boolean } = {},
): Promise<unknown> {
  client.frames.section(name);
  const handledBefore = client.handled.length;
  let results: unknown;
  try {
    results = await body();
  } catch (error) {
    // Record and go on, so that one broken section does not hide the state of the others.
    results = { sectionFailed: error instanceof Error ? error.message : String(error) };
  }
  const timingDependent = options.framesAreTimingDependent === true;
  transcript[name] = {
    results: normalise(results),
    frames: timingDependent ? 'timing-dependent' : client.frames.frameSet(name),
    handled: normalise(client.handled.slice(handledBefore)),
    ...(timingDependent
      ? {}
      : { notificationOrder: notificationsInOrder(client.frames.frames(name)) }),
  };
  return results;
}

function notificationsInOrder(frames: unknown[]): unknown[] {
  return frames
    .filter((f) => typeof f === 'object' && f !== null && 'method' in f && !('id' in f))
    .map(normalise);
}

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

/** The frames that arrived while connecting (the handshake), as a section of their own. */
export function recordConnect(client: ScenarioClient, transcript: Transcript): void {
  transcript['connect'] = {
    results: null,
    frames: client.frames.frameSet('connect'),
    handled: normalise(client.handled),
  };
}
