import { normalise } from './normalise.js';

interface ObservableTransport {
  onmessage?: ((message: never, extra?: never) => void) | undefined;
}

/**
 * Records every message the client's transport delivers, grouped by the
 * scenario section that was running when it arrived.
 */
export class FrameRecorder {
  private current = 'connect';
  private readonly bySection = new Map<string, unknown[]>();
  private readonly waiters: { test: (frame: unknown) => boolean; resolve: () => void }[] = [];

  /**
   * Records everything the transport delivers from the first frame on (the
   * handshake included): call before `connect()`, which installs the SDK's
   * handler through the property this intercepts.
   */
  observe(transport: ObservableTransport): void {
    let inner: ((message: never, extra?: never) => void) | undefined;
    const wrapper = (message: never, extra?: never): void => {
      this.record(message);
      inner?.(message, extra);
    };
    Object.defineProperty(transport, 'onmessage', {
      configurable: true,
      enumerable: true,
      get: () => (inner === undefined ? undefined : wrapper),
      set: (handler: typeof inner) => {
        inner = handler;
      },
    });
  }

  section(name: string): void {
    this.current = name;
  }

  frames(section: string): unknown[] {
    return this.bySection.get(section) ?? [];
  }

  /**
   * The frames of a section, normalised and sorted: order across messages may legitimately vary.
   * Kept as objects so that a failing comparison diffs field by field.
   */
  frameSet(section: string): unknown[] {
    return this.frames(section)
      .map((frame) => normalise(frame))
      .map((frame) => ({ key: JSON.stringify(frame), frame }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .map(({ frame }) => frame);
  }

  /** Resolves when a matching frame arrives (or already has), rejects after `timeoutMs`. */
  waitFor(
    description: string,
    test: (frame: unknown) => boolean,
    timeoutMs = 10_000,
  ): Promise<void> {
    const seen = [...this.bySection.values()].flat().some(test);
    return this.wait(seen, description, test, timeoutMs);
  }

  /** As `waitFor`, but frames of earlier sections do not count. */
  waitForInSection(
    description: string,
    test: (frame: unknown) => boolean,
    timeoutMs = 10_000,
  ): Promise<void> {
    return this.wait(this.frames(this.current).some(test), description, test, timeoutMs);
  }

  private wait(
    seen: boolean,
    description: string,
    test: (frame: unknown) => boolean,
    timeoutMs: number,
  ): Promise<void> {
    if (seen) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${description}.`));
      }, timeoutMs);
      this.waiters.push({
        test,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  private record(frame: unknown): void {
    const list = this.bySection.get(this.current) ?? [];
    list.push(structuredClone(frame));
    this.bySection.set(this.current, list);
    for (const waiter of this.waiters.filter((w) => w.test(frame))) {
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  }
}

/** A `notifications/message` whose data contains `text`. */
export function isLogMessage(frame: unknown, text: string): boolean {
  const f = frame as { method?: unknown; params?: { data?: unknown } };
  return (
    f.method === 'notifications/message' &&
    typeof f.params?.data === 'string' &&
    f.params.data.includes(text)
  );
}
