import { isLogMessage } from './frame-recorder.js';
import type { ScenarioClient } from './scenario-client.js';
import { outcome, runSection, sleep, type Transcript } from './transcript.js';

const docA = 'demo://resource/static/document/features.md';
const docB = 'demo://resource/static/document/startup.md';

const isUpdate = (uri: string) => (f: unknown) => {
  const frame = f as { method?: unknown; params?: { uri?: unknown } };
  return frame.method === 'notifications/resources/updated' && frame.params?.uri === uri;
};

/** The sections where the server talks back: notifications, progress, server-to-client requests, tasks. */
export async function runInteractiveSections(client: ScenarioClient, t: Transcript): Promise<void> {
  await runSection(client, t, 'logging-and-subscriptions', async () => {
    const results: Record<string, unknown> = {};
    // At `warning` the server must drop its info-level acknowledgement of this subscription...
    results['setWarning'] = await client.setLoggingLevel('warning');
    results['subscribeA'] = await client.subscribe(docA);
    // ...and at `debug` it must send the one for this subscription.
    results['setDebug'] = await client.setLoggingLevel('debug');
    results['subscribeB'] = await client.subscribe(docB);
    results['updatesOn'] = await client.callTool('toggle-subscriber-updates', {});
    await client.frames.waitFor(`an update for ${docA}`, isUpdate(docA));
    await client.frames.waitFor(`an update for ${docB}`, isUpdate(docB));
    results['updatesOff'] = await client.callTool('toggle-subscriber-updates', {});
    results['unsubscribeA'] = await client.unsubscribe(docA);
    results['unsubscribeB'] = await client.unsubscribe(docB);
    await client.frames.waitFor('the unsubscribe log', (f) =>
      isLogMessage(f, `Received Unsubscribe Resource request: ${docB}`),
    );
    return results;
  });

  await runSection(client, t, 'progress', async () => {
    const progress: unknown[] = [];
    const result = await client.callTool(
      'trigger-long-running-operation',
      { duration: 0.3, steps: 3 },
      { onprogress: (p) => progress.push(p) },
    );
    // The SDK runs notification handlers a tick after responses, so a last progress that shares a
    // read chunk with the response never reaches `onprogress`: how many do depends on chunking.
    // The frames record them all; the callback is checked for the first one only.
    return { firstProgress: progress[0], result };
  });

  await runSection(client, t, 'cancellation', async () => {
    const controller = new AbortController();
    const progress: unknown[] = [];
    const call = client.callTool(
      'trigger-long-running-operation',
      { duration: 1.2, steps: 3 },
      {
        signal: controller.signal,
        onprogress: (p) => {
          progress.push(p);
          controller.abort(new Error('e2e cancels after the first progress'));
        },
      },
    );
    const settled = await call.then(
      () => 'resolved',
      (error: unknown) => `rejected: ${error instanceof Error ? error.message : String(error)}`,
    );
    // The server works on: wait for its last progress, then a little longer, since a response
    // for the cancelled id (which must not come) would follow it at once.
    await client.frames.waitForInSection('the last progress of the cancelled call', (f) => {
      const frame = f as { method?: unknown; params?: { progress?: unknown } };
      return frame.method === 'notifications/progress' && frame.params?.progress === 3;
    });
    await sleep(300);
    return {
      settled,
      progress,
      afterwards: await client.callTool('echo', { message: 'still alive' }),
    };
  });

  await runSection(client, t, 'sampling', () =>
    client.callTool('trigger-sampling-request', { prompt: 'Say hi', maxTokens: 32 }),
  );

  await runSection(client, t, 'elicitation', () =>
    client.callTool('trigger-elicitation-request', {}),
  );

  await runSection(client, t, 'url-elicitation', async () => ({
    requestPath: await client.callTool('trigger-url-elicitation', {
      url: 'https://example.com/e2e-consent',
      elicitationId: 'e2e-url-1',
    }),
    // -32042 with the elicitations in `data`: an error the server raises, relayed as is.
    errorPath: await outcome(
      client.callTool('trigger-url-elicitation', {
        url: 'https://example.com/e2e-prerequisite',
        elicitationId: 'e2e-url-2',
        errorPath: true,
      }),
    ),
  }));

  await runSection(client, t, 'roots', async () => {
    const before = await client.callTool('get-roots-list', {});
    await client.setRoots([
      { uri: 'file:///tmp/e2e-root-a', name: 'Root A' },
      { uri: 'file:///tmp/e2e-root-b', name: 'Root B' },
    ]);
    await client.frames.waitFor('the roots update log', (f) =>
      isLogMessage(f, 'Roots updated: 2 root(s)'),
    );
    return { before, after: await client.callTool('get-roots-list', {}) };
  });

  const { callToolAsTask, startListCancelTask } = client;
  if (callToolAsTask !== undefined && startListCancelTask !== undefined) {
    // Poll counts depend on timing, so the frames of this section are not compared.
    await runSection(
      client,
      t,
      'tasks',
      async () => ({
        researchWithElicitation: await callToolAsTask('simulate-research-query', {
          topic: 'python',
          ambiguous: true,
        }),
        clientSideTask: await client.callTool('trigger-sampling-request-async', {
          prompt: 'Async hi',
          maxTokens: 16,
        }),
        listAndCancel: await startListCancelTask('simulate-research-query', { topic: 'tides' }),
      }),
      { framesAreTimingDependent: true },
    );
  }
}
