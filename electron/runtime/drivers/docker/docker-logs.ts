import type Dockerode from 'dockerode';
import { err, ok, type Result } from '../../../../shared/errors';
import { AsyncQueue } from '../async-queue';
import type { LogStream } from '../driver';
import type { LogLine, LogOptions } from '../driver-model';
import { toAppError, type DockerInvoke } from './docker-errors';
import { DockerLogDecoder } from './docker-log-decoder';

/** Docker takes `since`/`until` as Unix seconds with a fractional part. */
export function toDockerTime(date: Date): string {
  return (date.getTime() / 1000).toFixed(3);
}

/**
 * `GET /containers/{id}/logs` as a LogStream. The container is inspected first, to fail early with
 * NOT_FOUND and to learn whether it has a TTY (then the body is raw, not framed). The request goes through
 * docker-modem directly so the body is always a stream (dockerode buffers, and even JSON-parses, non-follow logs).
 */
export class DockerLogs {
  constructor(
    private readonly docker: Dockerode,
    private readonly invoke: DockerInvoke,
    private readonly endpoint: string,
  ) {}

  async open(idOrName: string, options: LogOptions = {}): Promise<Result<LogStream>> {
    const operation = `read logs of ${idOrName}`;
    const inspected = await this.invoke(operation, () => this.docker.getContainer(idOrName).inspect());
    if (!inspected.ok) return inspected;
    const tty = Boolean(inspected.value.Config?.Tty);
    const abort = new AbortController();
    const query: Record<string, string | number | boolean> = {
      stdout: true,
      stderr: true,
      follow: options.follow ?? false,
      timestamps: options.timestamps ?? false,
      tail: options.tail ?? 'all',
    };
    if (options.since) query.since = toDockerTime(options.since);
    if (options.until) query.until = toDockerTime(options.until);
    const opened = await this.invoke(
      operation,
      () => this.dial(inspected.value.Id, query, abort.signal),
      abort.signal,
    );
    if (!opened.ok) return opened;
    return ok(this.toLogStream(opened.value, { tty, timestamps: options.timestamps ?? false }, abort, operation));
  }

  private dial(id: string, query: Record<string, unknown>, signal: AbortSignal): Promise<NodeJS.ReadableStream> {
    return new Promise((resolve, reject) => {
      this.docker.modem.dial(
        {
          path: `/containers/${encodeURIComponent(id)}/logs?`,
          method: 'GET',
          options: query,
          abortSignal: signal,
          isStream: true,
          statusCodes: { 200: true, 404: 'no such container', 500: 'server error' },
        } as Parameters<Dockerode['modem']['dial']>[0],
        (error: unknown, stream: unknown) => (error ? reject(error) : resolve(stream as NodeJS.ReadableStream)),
      );
    });
  }

  private toLogStream(
    body: NodeJS.ReadableStream,
    decoderOptions: { tty: boolean; timestamps: boolean },
    abort: AbortController,
    operation: string,
  ): LogStream {
    const decoder = new DockerLogDecoder(decoderOptions);
    let cancelled = false;
    const queue = new AsyncQueue<LogLine>({
      onPressure: (paused) => (paused ? body.pause() : body.resume()),
      onCancel: () => {
        cancelled = true;
        abort.abort();
        (body as { destroy?: () => void }).destroy?.();
      },
    });
    const done = new Promise<Result<void>>((resolve) => {
      let settled = false;
      const finish = (error?: unknown) => {
        if (settled) return;
        settled = true;
        for (const line of decoder.end()) queue.push(line);
        queue.end();
        if (!error || cancelled) resolve(ok(undefined));
        else resolve(err(toAppError(error, { operation, endpoint: this.endpoint })));
      };
      body.on('data', (chunk: Buffer) => {
        for (const line of decoder.write(chunk)) queue.push(line);
      });
      body.on('end', () => finish());
      body.on('close', () => {
        // An HTTP body that closes before its end means the connection broke (the engine went away).
        const complete = (body as { complete?: boolean }).complete !== false;
        finish(complete ? undefined : Object.assign(new Error('log stream broke off'), { code: 'ECONNRESET' }));
      });
      body.on('error', (error: unknown) => finish(error));
    });
    return {
      done,
      dispose: () => queue.dispose(),
      [Symbol.asyncIterator]: () => queue,
    };
  }
}
