import type { Decision } from '../core/decision.js';
import type { LineSink } from './relay-context.js';

/**
 * What happens to one message, in either direction, once the shim has judged it. Every handler
 * in the relay returns an Outcome; carryOut (or foldBatch for a batch) is the one place that
 * turns it into lines on the pipes.
 */
export interface Outcome {
  /**
   * What goes on to the other peer: UNCHANGED (the message as it arrived, byte for byte when it
   * was a whole frame), a value to send instead (re-encoded: the reading the shim judged), or
   * nothing (the message stops here).
   */
  readonly onward?: unknown;
  /** The shim's own answer to the sender (a whole JSON-RPC line): a denial, a refusal. */
  readonly reply?: string;
}

/** Marker for "forward the original text unchanged". */
export const UNCHANGED = Symbol('unchanged');

export const FORWARD: Outcome = { onward: UNCHANGED };
export const DROP: Outcome = {};

/**
 * The one step from a judged request to its outcome, in both directions: with a denial the shim
 * answers the sender (`deny` notes it in the session and builds the reply line) and nothing goes
 * on; without one, `forward` records the pending request and says what goes on (FORWARD, or a
 * rewritten message).
 */
export function settleRequest(
  denial: Decision | undefined,
  deny: (decision: Decision) => string,
  forward: () => Outcome,
): Outcome {
  return denial === undefined ? forward() : { reply: deny(denial) };
}

/**
 * One whole frame's outcome: the reply to the sender first, then what goes on to the peer
 * (`text` when unchanged). Not async: a frame that meets no back-pressure costs no promise.
 */
export function carryOut(
  outcome: Outcome,
  text: string,
  toSender: LineSink,
  toPeer: LineSink,
): Promise<void> | undefined {
  const replied = outcome.reply === undefined ? undefined : toSender.send(outcome.reply);
  if (outcome.onward === undefined) return replied;
  const line = outcome.onward === UNCHANGED ? text : JSON.stringify(outcome.onward);
  return replied === undefined ? toPeer.send(line) : replied.then(() => toPeer.send(line));
}

/**
 * A batch's element outcomes, folded: the replies (values, in element order) and the batch that
 * goes on — its own text when every element goes on unchanged, else exactly the values that go on
 * (undefined when none does).
 */
export function foldBatch(
  elements: readonly unknown[],
  outcomes: readonly Outcome[],
  text: string,
): { readonly replies: readonly unknown[]; readonly onward: string | undefined } {
  const replies: unknown[] = [];
  const onward: unknown[] = [];
  let changed = false;
  for (const [index, outcome] of outcomes.entries()) {
    if (outcome.reply !== undefined) replies.push(JSON.parse(outcome.reply));
    if (outcome.onward === UNCHANGED) onward.push(elements[index]);
    else {
      changed = true;
      if (outcome.onward !== undefined) onward.push(outcome.onward);
    }
  }
  if (onward.length === 0) return { replies, onward: undefined };
  return { replies, onward: changed ? JSON.stringify(onward) : text };
}
