import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import type { LaunchSpec } from './launch.js';
import {
  elicitationAnswer,
  cannedSampling,
  initialRoots,
  type CallOptions,
  type HandledRequest,
  type Root,
  type ScenarioClient,
} from './scenario-client.js';
import { commonCalls, noteRequest, requestOptions, watchTransport } from './sdk-plumbing.js';

export type V2Negotiation = 'auto' | { pin: string };

/**
 * Launches `spec` and connects a v2 SDK client (`@modelcontextprotocol/client`).
 * `auto` is the dual-era behaviour: probe with `server/discover`, fall back to
 * `initialize`; a pin forces the modern era.
 */
export async function connectV2(
  spec: LaunchSpec,
  mode: V2Negotiation = 'auto',
): Promise<ScenarioClient & { era(): unknown }> {
  const handled: HandledRequest[] = [];
  let roots: readonly Root[] = initialRoots;
  const client = new Client(
    { name: 'e2e-v2-client', version: '2.0.0' },
    {
      capabilities: {
        sampling: {},
        elicitation: { form: {}, url: {} },
        roots: { listChanged: true },
      },
      versionNegotiation: { mode },
    },
  );
  client.setRequestHandler('sampling/createMessage', (request) => {
    noteRequest(handled, request);
    return cannedSampling;
  });
  client.setRequestHandler('elicitation/create', (request) => {
    noteRequest(handled, request);
    return elicitationAnswer(request.params);
  });
  client.setRequestHandler('roots/list', (request) => {
    noteRequest(handled, request);
    return { roots: [...roots] };
  });

  const transport = new StdioClientTransport({ ...spec, stderr: 'pipe' });
  const { frames, stderr } = watchTransport(transport);
  await client.connect(transport);

  return {
    sdk: 'v2',
    frames,
    handled,
    era: () => ({ era: client.getProtocolEra(), version: client.getNegotiatedProtocolVersion() }),
    serverIdentity: () => ({
      serverVersion: client.getServerVersion(),
      capabilities: client.getServerCapabilities(),
      instructions: client.getInstructions(),
      era: client.getProtocolEra(),
      protocolVersion: client.getNegotiatedProtocolVersion(),
    }),
    setRoots: async (next) => {
      roots = next;
      // Deprecated in 2026-07-28 but part of the legacy era that server-everything speaks.
      // eslint-disable-next-line @typescript-eslint/no-deprecated
      await client.sendRootsListChanged();
    },
    ...commonCalls(client),
    discover: () => client.discover(),
    listen: (filter) => client.listen(filter),
    callTool: (name, args, options: CallOptions = {}) =>
      client.callTool({ name, arguments: args }, requestOptions(options)),
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- legacy-era feature under test
    setLoggingLevel: (level) => client.setLoggingLevel(level),
    // The v2 SDK keeps the task wire types but has no task runtime.
    callToolAsTask: undefined,
    startListCancelTask: undefined,
    stderr,
    close: () => client.close(),
  };
}
