import type { JsonObject, JsonRpcId } from '../core/json-rpc.js';
import type { ToolPin } from '../core/policy-input.js';
import type { PinCheck } from '../state/pins/pin-book.js';
import { denyClientRequest } from './deny-reply.js';
import type { RelayContext } from './relay-context.js';

/**
 * Checks one page of a `tools/list` result (the client's or the shim's own refresh) against the
 * server's pins, notes new and changed definitions in the pin file and audits them. Returns each
 * item's pin, index for index; undefined when pinning is off. `complete`: the listing's last page.
 */
export function checkToolPins(
  context: RelayContext,
  items: readonly unknown[],
  complete: boolean,
): (ToolPin | undefined)[] | undefined {
  const { pins } = context;
  if (pins === undefined) return undefined;
  try {
    pins.reloadIfChanged();
  } catch (error) {
    // The pins this run already holds stay in force; the file is fixed by hand.
    pinFault(context, 'pin_file_unreadable', error);
  }
  const checked = items.map((item) =>
    typeof item === 'object' && item !== null && !Array.isArray(item)
      ? pins.check(item as JsonObject)
      : undefined,
  );
  for (const check of checked) if (check?.noted === true) notePin(context, check);
  if (complete) {
    pins.listingComplete();
    context.pinListing?.listed();
  }
  try {
    pins.save();
  } catch (error) {
    pinFault(context, 'pin_file_unwritable', error);
  }
  return checked.map((check) => check?.pin);
}

function notePin(context: RelayContext, check: PinCheck): void {
  const { pin } = check;
  context.auditor.pin({ tool: check.name, ...pin, file: context.pins?.file ?? '' });
  if (pin.status === 'pinned') return;
  context.logger.warn(
    { tool: check.name, status: pin.status, changed: pin.changed },
    pin.status === 'new'
      ? 'a tool not pinned yet: `mcp-opa-shim pins diff` shows it, `pins accept` pins it'
      : 'a pinned tool changed: `mcp-opa-shim pins diff` shows how, `pins accept` accepts it',
  );
}

function pinFault(context: RelayContext, fault: string, error: unknown): void {
  const detail = error instanceof Error ? error.message : String(error);
  context.auditor.fault({ direction: 'to_client', fault, detail, action: 'forwarded' });
  context.logger.error({ err: error }, 'the pin file could not be used');
}

/**
 * A `tools/call` that cannot be judged with its pin, answered by the shim (docs/pinning.md): the
 * pin file knows the tool but this session's complete listing left it out, or the shim's own
 * listing failed or timed out. A server can tell the shim's listing from the client's (its ids), so it
 * could leave a changed tool out of it or fail it on purpose: neither may let a call through
 * unchecked. Audited as a `tool_unchecked` fault. Undefined: judge the call as usual (also in
 * monitor mode, after the fault is recorded as `monitored`).
 */
export function refuseUncheckedTool(
  context: RelayContext,
  id: JsonRpcId,
  params: JsonObject | undefined,
): string | undefined {
  const { pins, pinListing } = context;
  const name = params?.name;
  if (pins === undefined || pinListing === undefined || typeof name !== 'string') return undefined;
  if (context.session.catalog.get(name) !== undefined) return undefined;
  // A tool neither listed nor ever pinned has no definition to check: judged as usual (`listed`
  // false), and a server answers for a tool it does not have as it would without the shim.
  if (pinListing.complete && !pins.knows(name)) return undefined;
  const tool = `Tool \`${name}\` is blocked`;
  const failure = pinListing.failure;
  const message = pinListing.complete
    ? `${tool}: the server does not list it, so its definition cannot be checked against its pin.`
    : `${tool}: its definition could not be checked against its pin: the shim's own tools/list failed (${failure ?? 'no listing was made'}). List the tools (tools/list), then call it again.`;
  context.auditor.fault({
    direction: 'to_server',
    fault: 'tool_unchecked',
    detail: `tools/call ${name} id ${JSON.stringify(id)}: ${pinListing.failureDetail ?? message}`,
    action: context.monitor ? 'monitored' : 'denied',
  });
  context.logger.warn({ tool: name, id }, message);
  if (context.monitor) return undefined;
  context.session.deniedByShim(id);
  return denyClientRequest(context, id, 'tools/call', params, {
    allow: false,
    reasons: ['tool_unchecked'],
    message,
  });
}
