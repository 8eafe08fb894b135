import { ok, type Result } from '../../shared/errors';
import type { ContainerDriver, LogLine, LogStream } from '../runtime/drivers/driver';
import type { Disposable } from '../runtime/drivers/disposable';

export interface LogSink {
  /** Each line as it comes (the caller batches). */
  line(line: LogLine): void;
  /** The container is not running: nothing arrives until it starts again (a restart, a new container of the name). */
  waiting(): void;
  /** It runs again: lines follow. */
  resumed(): void;
  /** For good: disposed, or the engine failed (`error`). */
  ended(error?: string): void;
}

/**
 * Follows a module's log across its runs. The engine ends a follow stream when the container exits; a module in
 * backoff, restarted by the agent or by hand, then runs again in the same container (or a recreated one of the
 * same name). The follower waits for that start and reopens the log from its last line, so no run is missed and
 * no line repeats (Docker's timestamps are fixed-width RFC 3339 with nanoseconds: they order as strings).
 *
 *   following ──container exits──▶ waiting ──container starts──▶ following
 *       └──────── dispose, engine error ────────▶ ended
 *
 * The first open fails as `driver.logs` does (NOT_FOUND for a module without a container); later ones wait.
 */
export async function followModuleLog(driver: ContainerDriver, name: string, tail: number, sink: LogSink): Promise<Result<Disposable>> {
  let starts = 0;
  let wake: (() => void) | undefined;
  const events = driver.onContainerEvent(
    (event) => {
      if (event.name !== name) return;
      starts++;
      wake?.();
    },
    { kinds: ['start'] },
  );
  const first = await driver.logs(name, { follow: true, tail, timestamps: true });
  if (!first.ok) {
    events.dispose();
    return first;
  }
  let disposed = false;
  let current: LogStream | undefined = first.value;
  let last: string | undefined;

  const read = async (stream: LogStream): Promise<Result<void>> => {
    for await (const line of stream) {
      if (line.timestamp && last && line.timestamp <= last) continue;
      if (line.timestamp) last = line.timestamp;
      sink.line(line);
    }
    return stream.done;
  };

  void (async () => {
    let stream: LogStream | undefined = current;
    for (;;) {
      if (stream) {
        const end = await read(stream);
        if (disposed) break;
        if (!end.ok) return sink.ended(end.error.message);
      }
      // Exited (or no container right now): wait for the next start, unless it already came.
      const seen = starts;
      const details = await driver.inspectContainer(name);
      if (!(details.ok && details.value.state === 'running') && starts === seen) {
        sink.waiting();
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
        if (disposed) break;
      }
      const reopened = await driver.logs(name, { follow: true, timestamps: true, ...(last ? { since: new Date(Date.parse(last)) } : { tail: 'all' as const }) });
      if (disposed) {
        if (reopened.ok) reopened.value.dispose();
        break;
      }
      if (!reopened.ok && reopened.error.code !== 'NOT_FOUND') return sink.ended(reopened.error.message);
      stream = current = reopened.ok ? reopened.value : undefined;
      if (stream) sink.resumed();
    }
    sink.ended();
  })();

  return ok({
    dispose: () => {
      if (disposed) return;
      disposed = true;
      events.dispose();
      current?.dispose();
      wake?.();
    },
  });
}
