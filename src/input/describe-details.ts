import { isJsonObject, type JsonObject } from '../core/json-rpc.js';
import { foldElicitation } from './elicitation-texts.js';

/** Short strings only: a schema title is evidence, an essay is not. */
const MAX_TEXT = 256;
/** Enough names for a rule to look at; a server cannot blow up the input. */
const MAX_NAMES = 100;

type Details = Record<string, unknown>;

/** `sampling/createMessage`: what is asked for, never the message text. */
export function samplingDetails(params: JsonObject | undefined): Details {
  const details: Details = {};
  const messages = params?.messages;
  details.message_count = Array.isArray(messages) ? messages.length : 0;
  details.has_system_prompt =
    typeof params?.systemPrompt === 'string' && params.systemPrompt !== '';
  copyIf(details, 'max_tokens', params?.maxTokens, 'number');
  copyIf(details, 'include_context', params?.includeContext, 'string');
  copyIf(details, 'temperature', params?.temperature, 'number');
  const preferences = isJsonObject(params?.modelPreferences) ? params.modelPreferences : undefined;
  if (preferences) {
    const hints = Array.isArray(preferences.hints) ? (preferences.hints as unknown[]) : [];
    details.model_hints = names(hints.map((hint) => (isJsonObject(hint) ? hint.name : undefined)));
    copyIf(details, 'cost_priority', preferences.costPriority, 'number');
    copyIf(details, 'speed_priority', preferences.speedPriority, 'number');
    copyIf(details, 'intelligence_priority', preferences.intelligencePriority, 'number');
  }
  if (Array.isArray(params?.tools)) {
    details.tool_names = names(
      (params.tools as unknown[]).map((tool) => (isJsonObject(tool) ? tool.name : undefined)),
    );
  }
  if (isJsonObject(params?.toolChoice))
    copyIf(details, 'tool_choice', params.toolChoice.mode, 'string');
  return details;
}

/**
 * `elicitation/create`: the mode, the requested field names with their short
 * labels (so a policy can spot "password" or "API key"), or the URL's host;
 * and the folded texts the secret heuristics match (elicitation-texts.ts).
 */
export function elicitationDetails(params: JsonObject | undefined): Details {
  const mode = params?.mode === 'url' ? 'url' : 'form';
  const details: Details = { mode, ...foldElicitation(params, mode) };
  if (mode === 'url') {
    const host = urlHost(params?.url);
    if (host !== undefined) details.url_host = host;
    return details;
  }
  const schema = isJsonObject(params?.requestedSchema) ? params.requestedSchema : undefined;
  const properties = isJsonObject(schema?.properties) ? schema.properties : {};
  const fields = Object.keys(properties).slice(0, MAX_NAMES);
  details.fields = fields.map(short);
  details.field_labels = fields.map((field) => fieldLabel(properties[field]));
  details.required = names(Array.isArray(schema?.required) ? (schema.required as unknown[]) : []);
  return details;
}

/** The client's answer to `elicitation/create`: the action and which fields were filled, never the values. */
export function elicitationResultDetails(result: JsonObject): Details {
  const details: Details = {};
  copyIf(details, 'action', result.action, 'string');
  details.fields = isJsonObject(result.content)
    ? Object.keys(result.content).slice(0, MAX_NAMES).map(short)
    : [];
  return details;
}

/** The client's answer to `sampling/createMessage`: which model answered and how, never the text. */
export function samplingResultDetails(result: JsonObject): Details {
  const details: Details = {};
  copyIf(details, 'model', result.model, 'string');
  copyIf(details, 'stop_reason', result.stopReason, 'string');
  copyIf(details, 'role', result.role, 'string');
  const content: unknown[] = Array.isArray(result.content)
    ? (result.content as unknown[])
    : [result.content];
  details.content_types = names(
    content.map((block) => (isJsonObject(block) ? block.type : undefined)),
  );
  return details;
}

export function rootsResultDetails(result: JsonObject): Details {
  return { count: Array.isArray(result.roots) ? result.roots.length : 0 };
}

function fieldLabel(property: unknown): string {
  if (!isJsonObject(property)) return '';
  const parts = [property.title, property.description, property.format].filter(
    (part): part is string => typeof part === 'string' && part !== '',
  );
  return short(parts.join(' '));
}

function urlHost(raw: unknown): string | undefined {
  if (typeof raw !== 'string') return undefined;
  try {
    return new URL(raw).host;
  } catch {
    return undefined;
  }
}

function names(values: readonly unknown[]): string[] {
  return values
    .filter((value): value is string => typeof value === 'string')
    .slice(0, MAX_NAMES)
    .map(short);
}

function short(text: string): string {
  return text.length > MAX_TEXT ? text.slice(0, MAX_TEXT) : text;
}

function copyIf(details: Details, key: string, value: unknown, type: 'string' | 'number'): void {
  if (typeof value === type) details[key] = typeof value === 'string' ? short(value) : value;
}
