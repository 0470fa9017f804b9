import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { FILESYSTEM_SERVER } from '../audit-e2e/helpers/filesystem-client.js';
import { ShimProcess } from '../helpers/shim-process.js';
import {
  armAtimes,
  createConfinementTree,
  fullSnapshot,
  outsidePaths,
  resetRoot,
  restoreOutside,
  statOutside,
  type ConfinementTree,
} from './helpers/confinement-tree.js';
import { AppendedLines } from './helpers/appended-lines.js';
import { OutsideWatch } from './helpers/outside-watch.js';
import { caseArbitrary, type ListedTool, type ToolCall } from './helpers/path-grammar.js';
import { CaseCounter, caseBudget, checkProperty, propertyTimeout } from './helpers/property-run.js';
import { stringsOf } from './helpers/json-strings.js';

// Quick mode: 100 cases per launch. Long mode: ADVERSARIAL_CASES (see README.md).
const CASES = caseBudget(100);

/** How the server is started: directly, or through `sh -c` (which hides its arguments). */
type Launch = 'direct' | 'sh -c';

/**
 * The real server-filesystem, given `base` (wider than the root), behind the built shim with
 * `--root base/root` and the default policy: the shim is the only thing keeping calls inside.
 */
class ConfinedSession {
  readonly shim: ShimProcess;
  readonly auditLog: string;
  tools: ListedTool[] = [];
  private readonly audit: AppendedLines;
  private nextId = 1;

  constructor(
    readonly tree: ConfinementTree,
    launch: Launch,
  ) {
    this.auditLog = join(mkdtempSync(join(tmpdir(), 'adv-paths-audit-')), 'audit.jsonl');
    this.audit = new AppendedLines(this.auditLog);
    this.shim = new ShimProcess(
      [
        '--root',
        tree.root,
        '--audit-log',
        this.auditLog,
        '--log-level',
        'warn',
        '--',
        ...(launch === 'direct'
          ? [process.execPath, FILESYSTEM_SERVER, tree.base]
          : // Through a shell, the shim cannot see the server's directory argument (finding 1).
            ['sh', '-c', `exec "${process.execPath}" "${FILESYSTEM_SERVER}" "${tree.base}"`]),
      ],
      { cwd: tree.base, env: { HOME: tree.base } },
    );
  }

  async open(): Promise<void> {
    await this.shim.initialize('2025-06-18');
    const listed = await this.shim.request('tools/list');
    this.tools = (listed['result'] as { tools: ListedTool[] }).tools;
    this.newDecisions();
  }

  /** Sends every call at once (pipelined, no waiting) and returns each reply line's text. */
  async run(calls: readonly ToolCall[]): Promise<string[]> {
    this.shim.stdoutLines.length = 0; // a long session must not keep every line
    this.shim.stderr = '';
    const ids = calls.map(() => `c${this.nextId++}`);
    const replies = ids.map((id) =>
      this.shim.waitFor((m) => m['id'] === id && !('method' in m), 30_000),
    );
    for (const [k, call] of calls.entries()) {
      this.shim.send({ jsonrpc: '2.0', id: ids[k]!, method: 'tools/call', params: call });
    }
    await Promise.all(replies);
    return [...this.shim.stdoutLines];
  }

  /** Decision records appended since the last call. */
  newDecisions(): Record<string, unknown>[] {
    return this.audit
      .next()
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((r) => r['type'] === 'decision');
  }

  async close(): Promise<void> {
    await this.shim.close();
  }
}

interface PathClaim {
  readonly raw: string;
  readonly resolved?: string;
  readonly within_roots: boolean;
  readonly unresolved_because?: string;
}

function claimsOf(
  decisions: readonly Record<string, unknown>[],
): { action: unknown; paths: PathClaim[] }[] {
  return decisions.map((d) => ({
    action: d['action'],
    paths: (d['input'] as { paths?: PathClaim[] } | null)?.paths ?? [],
  }));
}

/**
 * Opening or reading a directory outside: the shim's own path resolution does this (it lists a
 * parent to find a unicode-equivalent name), and inotify cannot say which process did it. A
 * listing by the server is still caught by the never-named canary appearing in a reply.
 */
function isDirectoryRead(event: string): boolean {
  const names = event.slice(0, event.indexOf(' ')).split('|');
  return (
    names.includes('ISDIR') && names.every((n) => n === 'ISDIR' || n === 'OPEN' || n === 'ACCESS')
  );
}

const inside = (tree: ConfinementTree, path: string | undefined): boolean =>
  path !== undefined && (path === tree.root || path.startsWith(`${tree.root}/`));

describe.each<Launch>(['direct', 'sh -c'])(
  'path confinement against the real server-filesystem, launched %s',
  (launch) => {
    let tree: ConfinementTree;
    let watch: OutsideWatch;
    let session: ConfinedSession;
    let baselineFull: string;
    let baselinePaths: string[];
    let baselineStat: string;
    let dirty = false;

    const arm = async (): Promise<void> => {
      armAtimes(tree); // mtimes to the canary date first, so the full snapshot records them
      baselineFull = fullSnapshot(tree);
      baselinePaths = outsidePaths(tree);
      armAtimes(tree); // the snapshot read every file: arm the atimes again
      watch = new OutsideWatch(tree.outsideDirs, tree.fence);
      await watch.start();
      baselineStat = statOutside(baselinePaths);
    };

    beforeAll(async () => {
      tree = createConfinementTree();
      await arm();
      session = new ConfinedSession(tree, launch);
      await session.open();
    }, 60_000);

    afterAll(async () => {
      watch.stop();
      await session.close();
      if (!dirty && fullSnapshot(tree) !== baselineFull) {
        throw new Error(
          'the trees outside the root changed during the run (listing, sizes, mtimes or contents)',
        );
      }
      rmSync(tree.base, { recursive: true, force: true });
    });

    it(
      "no byte outside the roots is read, written, listed or stat'ed, and the audit log never says otherwise",
      async () => {
        const counter = new CaseCounter();
        const property = fc.asyncProperty(caseArbitrary(session.tools, tree), async (calls) => {
          counter.runs++;
          counter.cases++;
          if (dirty) {
            // A previous (failing) case touched the outside: rebuild it before the next try.
            watch.stop();
            restoreOutside(tree);
            await arm();
            dirty = false;
          }
          resetRoot(tree);
          await watch.fence();
          session.newDecisions();
          const lines = await session.run(calls);
          const events = (await watch.fence()).filter((event) => !isDirectoryRead(event));
          const stat = statOutside(baselinePaths);
          const decisions = session.newDecisions();
          const problems: string[] = [];
          if (events.length > 0)
            problems.push(`inotify saw outside: ${events.slice(0, 8).join('; ')}`);
          if (stat !== baselineStat)
            problems.push('lstat of the outside trees changed (atime, mtime, size or inode)');
          const received =
            lines.join('\n') + '\n' + lines.flatMap((line) => stringsOf(line)).join('\n');
          for (const marker of tree.leakMarkers) {
            const found = marker.exec(received);
            if (found !== null)
              problems.push(`the client received ${JSON.stringify(found[0])} (${marker.source})`);
          }
          const claims = claimsOf(decisions);
          for (const claim of claims) {
            for (const path of claim.paths) {
              // An ambiguous relative path names no single file: the shim claims "inside" only when
              // every reading is inside, and the filesystem checks above judge what happened.
              const ambiguous =
                path.resolved === undefined &&
                path.unresolved_because === 'relative_base_ambiguous';
              if (path.within_roots && !ambiguous && !inside(tree, path.resolved)) {
                problems.push(
                  `audit says within_roots: true for ${JSON.stringify(path.raw)} resolved to ${String(path.resolved)}`,
                );
              }
            }
          }
          const touched = events.length > 0 || stat !== baselineStat;
          const forwardedClaims = claims
            .filter((c) => c.action === 'forwarded')
            .flatMap((c) => c.paths);
          if (
            touched &&
            forwardedClaims.length > 0 &&
            forwardedClaims.every((p) => p.within_roots)
          ) {
            problems.push(
              'the audit log says within_roots: true for every forwarded path, yet the server acted outside',
            );
          }
          if (problems.length > 0) {
            dirty = events.length > 0 || stat !== baselineStat;
            throw new Error(
              `${problems.join('\n')}\naudit claims: ${JSON.stringify(claims)}\nreplies: ${lines.join('\n').slice(0, 2000)}`,
            );
          }
        });
        await checkProperty(`path confinement (${launch})`, property, CASES, counter);
      },
      propertyTimeout(),
    );
  },
);
