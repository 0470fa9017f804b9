import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { everythingExpectations } from './everything-expectations.js';
import { runEverythingScenario } from './everything-scenario.js';
import {
  launchSpec,
  nodeServer,
  routes,
  type LaunchSpec,
  type Route,
  type ServerCommand,
} from './launch.js';
import { everythingServer } from './paths.js';
import type { ScenarioClient } from './scenario-client.js';
import type { SectionRecord, Transcript } from './transcript.js';

export interface RouteComparison {
  readonly title: string;
  readonly server: ServerCommand;
  readonly connect: (spec: LaunchSpec) => Promise<ScenarioClient>;
  readonly scenario: (client: ScenarioClient) => Promise<Transcript>;
  /** Checks on the direct run, so that two equally broken runs cannot compare equal. */
  readonly expectations: Record<string, (direct: SectionRecord) => void>;
  readonly sections: readonly string[];
  /** A line the server always writes to its stderr. */
  readonly serverStderr?: string;
}

interface RouteRun {
  transcript: Transcript;
  stderr: string;
  failure?: string;
}

async function runRoute(comparison: RouteComparison, route: Route): Promise<RouteRun> {
  const transcript: Transcript = {};
  let client: ScenarioClient | undefined;
  try {
    client = await comparison.connect(launchSpec(route, comparison.server));
    Object.assign(transcript, await comparison.scenario(client));
    return { transcript, stderr: client.stderr() };
  } catch (error) {
    const stderr = client?.stderr() ?? '';
    const failure = `${String(error)}\n--- stderr (${route}) ---\n${stderr.slice(-4000)}`;
    return { transcript, stderr, failure };
  } finally {
    await client?.close();
  }
}

/**
 * Runs a scenario direct and through the shim (in parallel), then compares
 * section by section: results, every frame the client received, and every
 * request the server sent the client.
 */
export function defineRouteComparison(comparison: RouteComparison): void {
  const { title, sections, expectations } = comparison;
  describe(title, () => {
    const runs = new Map<Route, RouteRun>();

    beforeAll(async () => {
      const results = await Promise.all(
        routes.map(async (route) => [route, await runRoute(comparison, route)] as const),
      );
      for (const [route, run] of results) runs.set(route, run);
    }, 120_000);

    afterAll(() => {
      runs.clear();
    });

    it.each(sections)(
      'the %s section gives the same results through the shim as direct',
      (section) => {
        const direct = runs.get('direct')!;
        const shim = runs.get('shim')!;
        expect(direct.failure, 'the direct run itself failed').toBeUndefined();
        const directSection = direct.transcript[section];
        expect(directSection, `the direct run has no ${section} section`).toBeDefined();
        expectations[section]!(directSection!);
        const shimSection = shim.transcript[section];
        expect(
          shimSection,
          `the shim run stopped before ${section}: ${shim.failure ?? ''}`,
        ).toBeDefined();
        expect(shimSection).toEqual(directSection);
      },
    );

    it('the shim run completes without an error', () => {
      expect(runs.get('shim')!.failure).toBeUndefined();
    });

    if (comparison.serverStderr !== undefined) {
      const line = comparison.serverStderr;
      it('what the server writes to stderr reaches stderr through the shim too', () => {
        expect(runs.get('direct')!.stderr).toContain(line);
        expect(runs.get('shim')!.stderr).toContain(line);
      });
    }
  });
}

/** The server-everything scenario, compared direct vs shim. */
export function defineTransparencySuite(
  title: string,
  connect: (spec: LaunchSpec) => Promise<ScenarioClient>,
  sections: string[],
): void {
  defineRouteComparison({
    title,
    server: nodeServer(everythingServer, 'stdio'),
    connect,
    scenario: runEverythingScenario,
    expectations: everythingExpectations,
    sections,
    serverStderr: 'Starting default (STDIO) server...',
  });
}

export const legacySections = [
  'connect',
  'handshake',
  'lists',
  'tools',
  'prompts',
  'completions',
  'resources',
  'logging-and-subscriptions',
  'progress',
  'cancellation',
  'sampling',
  'elicitation',
  'url-elicitation',
  'roots',
];
