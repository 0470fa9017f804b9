import { isJsonObject, type JsonObject } from '../core/json-rpc.js';
import type { ToolCatalog } from '../session/tool-catalog.js';
import { elicitationDetails, samplingDetails } from './describe-details.js';
import { isItemList, operationType } from './operation-type.js';
import type { Operation } from '../core/policy-input.js';

/**
 * Where a message's file paths are: path-like tool/prompt arguments, a `file:`
 * resource URI, or the `file:` URIs of a modern `subscriptions/listen`.
 */
export type PathSource = 'arguments' | 'uri' | 'subscriptions' | 'none';

export interface DescribedRequest {
  readonly operation: Operation;
  /** The object `input.arguments` is projected from (`_meta` is always left out). */
  readonly argumentsFrom: JsonObject | undefined;
  /** Further keys of `argumentsFrom` to leave out. */
  readonly drop: readonly string[];
  readonly paths: PathSource;
}

/** Sampling requests carry conversation text; the policy gets `details` instead. */
const SAMPLING_TEXT = ['messages', 'systemPrompt'] as const;
const NONE: readonly string[] = [];

/** Describes a request or notification (either direction) by its method and params. */
export function describeRequest(
  method: string,
  params: JsonObject | undefined,
  catalog: ToolCatalog,
): DescribedRequest {
  const type = operationType(method);
  const plain = { argumentsFrom: params, drop: NONE, paths: 'none' } as const;
  if (isItemList(method)) return { operation: { type, listing: false }, ...plain };
  switch (method) {
    case 'tools/call':
      return { operation: toolOperation(params?.name, catalog), ...pathsIn(params?.arguments) };
    case 'prompts/get':
      return { operation: named(type, params?.name), ...pathsIn(params?.arguments) };
    case 'resources/read':
    case 'resources/subscribe':
    case 'resources/unsubscribe':
      return {
        operation: named(type, params?.uri),
        argumentsFrom: params,
        drop: NONE,
        paths: 'uri',
      };
    case 'subscriptions/listen':
      return {
        operation: { type, name: method, listing: false },
        argumentsFrom: params,
        drop: NONE,
        paths: 'subscriptions',
      };
    case 'completion/complete':
      return { operation: completionOperation(params?.ref), ...plain };
    case 'sampling/createMessage':
      return {
        operation: { type, name: method, listing: false, details: samplingDetails(params) },
        argumentsFrom: params,
        drop: SAMPLING_TEXT,
        paths: 'none',
      };
    case 'elicitation/create':
      return {
        operation: { type, name: method, listing: false, details: elicitationDetails(params) },
        ...plain,
      };
    default:
      return { operation: { type, name: method, listing: false }, ...plain };
  }
}

function pathsIn(
  rawArguments: unknown,
): Pick<DescribedRequest, 'argumentsFrom' | 'drop' | 'paths'> {
  return {
    argumentsFrom: isJsonObject(rawArguments) ? rawArguments : undefined,
    drop: NONE,
    paths: 'arguments',
  };
}

function named(type: Operation['type'], rawName: unknown): Operation {
  return typeof rawName === 'string'
    ? { type, name: rawName, listing: false }
    : { type, listing: false };
}

/** Annotations and description digest come from the catalog the shim saw, not from the call. */
function toolOperation(rawName: unknown, catalog: ToolCatalog): Operation {
  if (typeof rawName !== 'string') return { type: 'tool', listing: false, listed: false };
  const entry = catalog.get(rawName);
  if (entry === undefined) return { type: 'tool', name: rawName, listing: false, listed: false };
  return {
    type: 'tool',
    name: rawName,
    listing: false,
    listed: true,
    ...(entry.annotations === undefined ? {} : { annotations: entry.annotations }),
    ...(entry.descriptionSha256 === undefined
      ? {}
      : { description_sha256: entry.descriptionSha256 }),
    ...(entry.pin === undefined ? {} : { pin: entry.pin }),
  };
}

/** `ref/prompt` is named by the prompt name, `ref/resource` by its URI (template). */
function completionOperation(rawRef: unknown): Operation {
  const ref = isJsonObject(rawRef) ? rawRef : {};
  const name = typeof ref.name === 'string' ? ref.name : ref.uri;
  const details = typeof ref.type === 'string' ? { ref_type: ref.type } : {};
  const operation = named('completion', name);
  return { ...operation, details };
}
