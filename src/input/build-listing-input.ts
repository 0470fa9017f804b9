import type { JsonObject } from '../core/json-rpc.js';
import type { SessionView } from '../session/session.js';
import { ToolCatalog } from '../session/tool-catalog.js';
import { assembleInput } from './assemble-input.js';
import type { InputContext } from './input-context.js';
import { operationType } from './operation-type.js';
import type { Operation, PolicyInput, ToolPin } from '../core/policy-input.js';
import type { ProjectedArguments } from './project-arguments.js';
import { resolveUriPath } from './resolve-paths.js';

const NO_ARGUMENTS: ProjectedArguments = Object.freeze({
  value: Object.freeze({}),
  omitted: Object.freeze([]),
});

/**
 * Projects one listed tool exactly as the session catalog does, but from this
 * item: a server that lists a name twice must not borrow the other entry's hints.
 */
const scratch = new ToolCatalog();

/**
 * "May this listed item be advertised?": `operation.listing = true`, no arguments.
 * `listMethod` is tools/list, prompts/list, resources/list or resources/templates/list;
 * `item` is one element of the result array; `pin`, for a tool when pinning is on, its pin status.
 */
export function buildListingInput(
  listMethod: string,
  item: JsonObject,
  session: SessionView,
  context: InputContext,
  pin?: ToolPin,
): PolicyInput {
  const paths = listMethod === 'resources/list' ? resolveUriPath('/uri', item.uri, context) : [];
  return assembleInput(
    { direction: 'to_client', kind: 'response', method: listMethod, id: undefined },
    listedOperation(listMethod, item, pin),
    NO_ARGUMENTS,
    paths,
    session,
    context,
  );
}

function listedOperation(listMethod: string, item: JsonObject, pin?: ToolPin): Operation {
  const type = operationType(listMethod);
  const rawName =
    listMethod === 'resources/list'
      ? item.uri
      : listMethod === 'resources/templates/list'
        ? item.uriTemplate
        : item.name;
  const name = typeof rawName === 'string' ? { name: rawName } : {};
  if (listMethod !== 'tools/list') return { type, ...name, listing: true };
  const entry = scratch.observe(item);
  scratch.clear();
  return {
    type,
    ...name,
    listing: true,
    listed: true,
    ...(entry?.annotations === undefined ? {} : { annotations: entry.annotations }),
    ...(entry?.descriptionSha256 === undefined
      ? {}
      : { description_sha256: entry.descriptionSha256 }),
    ...(pin === undefined ? {} : { pin }),
  };
}
