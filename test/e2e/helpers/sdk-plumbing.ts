import { FrameRecorder } from './frame-recorder.js';
import type { CallOptions, HandledRequest, ScenarioClient } from './scenario-client.js';

/** The methods the v1 and v2 SDK clients share by name and shape. */
interface CommonSdkClient {
  ping(): Promise<unknown>;
  listTools(): Promise<unknown>;
  listPrompts(): Promise<unknown>;
  listResources(): Promise<unknown>;
  listResourceTemplates(): Promise<unknown>;
  getPrompt(params: { name: string; arguments: Record<string, string> }): Promise<unknown>;
  complete(params: never): Promise<unknown>;
  readResource(params: { uri: string }): Promise<unknown>;
  subscribeResource(params: { uri: string }): Promise<unknown>;
  unsubscribeResource(params: { uri: string }): Promise<unknown>;
}

/** The scenario calls that are the same one-line adapters for either SDK. */
export function commonCalls(
  client: CommonSdkClient,
): Pick<
  ScenarioClient,
  | 'ping'
  | 'listTools'
  | 'listPrompts'
  | 'listResources'
  | 'listResourceTemplates'
  | 'getPrompt'
  | 'complete'
  | 'readResource'
  | 'subscribe'
  | 'unsubscribe'
> {
  return {
    ping: () => client.ping(),
    listTools: () => client.listTools(),
    listPrompts: () => client.listPrompts(),
    listResources: () => client.listResources(),
    listResourceTemplates: () => client.listResourceTemplates(),
    getPrompt: (name, args) => client.getPrompt({ name, arguments: args }),
    complete: (params) => client.complete(params as never),
    readResource: (uri) => client.readResource({ uri }),
    subscribe: (uri) => client.subscribeResource({ uri }),
    unsubscribe: (uri) => client.unsubscribeResource({ uri }),
  };
}

/** The SDK request options for a scenario call, leaving out what the caller did not set. */
export function requestOptions(options: CallOptions): CallOptions {
  return {
    ...(options.onprogress === undefined ? {} : { onprogress: options.onprogress }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  };
}

/** A handler body that notes the server-to-client request in `handled`. */
export function noteRequest(
  handled: HandledRequest[],
  request: { method: string; params?: unknown },
): void {
  handled.push({ method: request.method, params: request.params });
}

interface WatchableTransport {
  readonly stderr: { on(event: 'data', listener: (chunk: Buffer) => void): unknown } | null;
}

/** Collects the launched process's stderr and every frame the transport delivers (call before connect). */
export function watchTransport(
  transport: WatchableTransport & Parameters<FrameRecorder['observe']>[0],
): {
  frames: FrameRecorder;
  stderr: () => string;
} {
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const frames = new FrameRecorder();
  frames.observe(transport);
  return { frames, stderr: () => stderr };
}
