import { afterEach, describe, expect, it } from 'vitest';
import { CATALOG_SERVER, EVERYTHING_SERVER, nodeCommand } from './helpers/policy-shim.js';
import { connectSdkThroughShim, resultText, type SdkShim } from './helpers/sdk-shim.js';

const sessions: SdkShim[] = [];

async function connect(options: Parameters<typeof connectSdkThroughShim>[0]): Promise<SdkShim> {
  const session = await connectSdkThroughShim(options);
  sessions.push(session);
  return session;
}

function everything(data?: unknown): Promise<SdkShim> {
  return connect({
    ...(data === undefined ? {} : { data }),
    args: ['--server-id', 'everything', '--shutdown-grace-ms', '500'],
    server: nodeCommand(EVERYTHING_SERVER, 'stdio'),
  });
}

function methodsHandled(session: SdkShim): string[] {
  return session.client.handled.map((request) => request.method);
}

afterEach(async () => {
  await Promise.all(sessions.splice(0).map((session) => session.close()));
});

describe('Server-to-client requests, with a v1 SDK client through the shim', () => {
  it('denies sampling by default: the client never sees it, the server gets the reason', async () => {
    const session = await everything();
    const result = await session.client.callTool('trigger-sampling-request', {
      prompt: 'Summarise the open incidents',
      maxTokens: 50,
    });
    expect(result).toMatchObject({ isError: true });
    expect(resultText(result)).toContain(
      'Sampling requests from this server are not allowed by policy.',
    );
    expect(methodsHandled(session)).not.toContain('sampling/createMessage');
    const record = session
      .auditDecisions()
      .find((r) => r.input?.message.method === 'sampling/createMessage');
    expect(record).toMatchObject({
      action: 'denied',
      result: { reasons: ['sampling_not_allowed'] },
    });
  });

  it('forwards sampling when data allows this server id, and relays the answer', async () => {
    const session = await everything({ sampling: { servers: ['everything'] } });
    const result = await session.client.callTool('trigger-sampling-request', {
      prompt: 'Summarise the open incidents',
      maxTokens: 50,
    });
    expect(methodsHandled(session)).toContain('sampling/createMessage');
    expect(resultText(result)).toContain('Canned sample from the e2e client.');
  });

  it("declines server-everything's demo form by default: a field's description mentions a PIN", async () => {
    // "Your favorite integer (do not give us your phone number, pin, or other sensitive info)":
    // a heuristic cannot tell a warning from a request, so the word denies.
    const session = await everything();
    const result = await session.client.callTool('trigger-elicitation-request', {});
    expect(resultText(result)).toContain('User declined to provide the requested information.');
    expect(methodsHandled(session)).not.toContain('elicitation/create');
    const record = session
      .auditDecisions()
      .find((r) => r.input?.message.method === 'elicitation/create');
    expect(record).toMatchObject({
      action: 'denied',
      result: { reasons: ['elicitation_secret_field'] },
    });
  });

  it("forwards server-everything's demo form to the client when data's secret_words leave out pin", async () => {
    const session = await everything({ elicitation: { secret_words: ['otp', '2fa', 'cvv'] } });
    const result = await session.client.callTool('trigger-elicitation-request', {});
    expect(methodsHandled(session)).toContain('elicitation/create');
    expect(resultText(result)).toContain('Ada Lovelace');
  });

  it("declines, on the user's behalf, a form asking for a password: the client never sees it", async () => {
    const session = await connect({
      args: ['--server-id', 'registry'],
      server: nodeCommand(CATALOG_SERVER, 'secrets'),
    });
    const result = await session.client.callTool('connect_registry', {});
    expect(JSON.parse(resultText(result))).toEqual({ tool: 'connect_registry', action: 'decline' });
    expect(methodsHandled(session)).not.toContain('elicitation/create');
    const record = session
      .auditDecisions()
      .find((r) => r.input?.message.method === 'elicitation/create');
    expect(record).toMatchObject({
      action: 'denied',
      result: { reasons: ['elicitation_secret_field'] },
    });
  });

  it("declines server-everything's form once data calls one of its fields secret", async () => {
    const session = await everything({ elicitation: { secret_field_patterns: ['email'] } });
    const result = await session.client.callTool('trigger-elicitation-request', {});
    expect(resultText(result)).toContain('User declined to provide the requested information.');
    expect(methodsHandled(session)).not.toContain('elicitation/create');
  });
});
