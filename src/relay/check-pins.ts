import type { JsonObject } from '../core/json-rpc.js';
import type { ToolPin } from '../core/policy-input.js';
import type { PinCheck } from '../state/pins/pin-book.js';
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
  if (complete) pins.listingComplete();
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
