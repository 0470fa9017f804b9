import type { JsonObject } from '../core/json-rpc.js';
import {
  elicitationResultDetails,
  rootsResultDetails,
  samplingResultDetails,
} from './describe-details.js';
import type { InputContext } from './input-context.js';
import { operationType } from './operation-type.js';
import type { Operation, ResolvedPath } from '../core/policy-input.js';
import { resolveRootsAnswer } from './resolve-paths.js';

export interface DescribedResponse {
  readonly operation: Operation;
  readonly argumentsFrom: JsonObject | undefined;
  readonly drop: readonly string[];
  readonly paths: readonly ResolvedPath[];
}

const NONE: readonly string[] = [];
/** The model's output and the user's answers are not the policy's business; their shape is. */
const SAMPLING_OUTPUT = ['content'] as const;
const ELICITED_VALUES = ['content'] as const;

/** Describes a client's answer to a server request, by the method it answers. */
export function describeResponse(
  pendingMethod: string,
  result: JsonObject,
  context: InputContext,
): DescribedResponse {
  const type = operationType(pendingMethod);
  const base = { type, name: pendingMethod, listing: false } as const;
  switch (pendingMethod) {
    case 'roots/list':
      return {
        operation: { ...base, details: rootsResultDetails(result) },
        argumentsFrom: result,
        drop: NONE,
        paths: resolveRootsAnswer(result, context),
      };
    case 'sampling/createMessage':
      return {
        operation: { ...base, details: samplingResultDetails(result) },
        argumentsFrom: result,
        drop: SAMPLING_OUTPUT,
        paths: [],
      };
    case 'elicitation/create':
      return {
        operation: { ...base, details: elicitationResultDetails(result) },
        argumentsFrom: result,
        drop: ELICITED_VALUES,
        paths: [],
      };
    default:
      return { operation: base, argumentsFrom: result, drop: NONE, paths: [] };
  }
}
