import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type Dockerode from 'dockerode';
import { appError, err, ok, type Result } from '../../../../shared/errors';
import { toAppError } from '../docker/docker-errors';
import { readJsonLines, streamError } from '../docker/json-lines';

export interface BuildFromContextOptions {
  /** `repository:tag` */
  readonly tag: string;
  readonly labels?: Readonly<Record<string, string>>;
  /** Each line of the builder's output (`Step 1/4 : FROM scratch`, …). */
  readonly onOutput?: (line: string) => void;
}

/** Where the engine is, for error messages. */
function endpointOf(docker: Dockerode): string {
  const modem = docker.modem as { socketPath?: unknown; host?: string };
  return typeof modem.socketPath === 'string' ? `unix://${modem.socketPath}` : (modem.host ?? 'docker');
}

/** `tar -c -C dir .` as a stream (uncompressed: the engine is local and gzip would cost seconds on 100 MB). */
function tarDirectory(dir: string): { stream: NodeJS.ReadableStream; done: Promise<Result<void>> } {
  const child = spawn('tar', ['-c', '-f', '-', '-C', dir, '.'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<Result<void>>((resolve) => {
    child.on('error', (error) => resolve(err(appError('IO', `cannot run tar: ${error.message}`))));
    child.on('close', (code) => resolve(code === 0 ? ok(undefined) : err(appError('IO', `tar exited with ${code}: ${stderr.trim()}`))));
  });
  return { stream: child.stdout, done };
}

/**
 * Builds an image from a staged context folder through the Engine API (`POST /build`, classic builder,
 * no network, no pulls). Returns the image id. Build failures come back as IO with the builder's message.
 */
export async function buildFromContext(docker: Dockerode, contextDir: string, options: BuildFromContextOptions): Promise<Result<string>> {
  const operation = `build image ${options.tag}`;
  const endpoint = endpointOf(docker);
  const tar = tarDirectory(contextDir);
  let output: NodeJS.ReadableStream;
  try {
    output = await docker.buildImage(tar.stream, {
      t: options.tag,
      labels: { ...options.labels },
      rm: true,
      forcerm: true,
      networkmode: 'none',
      pull: false,
    } as Dockerode.ImageBuildOptions);
  } catch (error) {
    return err(toAppError(error, { operation, endpoint }));
  }
  let imageId: string | undefined;
  let failure: string | undefined;
  try {
    await readJsonLines(output, (value) => {
      failure ??= streamError(value);
      const v = value as { stream?: unknown; aux?: { ID?: unknown } };
      if (typeof v.stream === 'string') for (const line of v.stream.split('\n')) if (line.trim()) options.onOutput?.(line);
      if (typeof v.aux?.ID === 'string') imageId = v.aux.ID;
    });
  } catch (error) {
    return err(toAppError(error, { operation, endpoint }));
  }
  const tarred = await tar.done;
  if (failure) return err(appError('IO', `${operation}: ${failure}`, { operation, engineMessage: failure }));
  if (!tarred.ok) return tarred;
  if (!imageId) {
    try {
      imageId = (await docker.getImage(options.tag).inspect()).Id;
    } catch (error) {
      return err(toAppError(error, { operation, endpoint }));
    }
  }
  return ok(imageId);
}

/** `docker save` through the Engine API: writes one tarball holding the given images and their tags. */
export async function saveImages(docker: Dockerode, references: readonly string[], file: string): Promise<Result<{ bytes: number }>> {
  const operation = `save ${references.join(', ')}`;
  try {
    const body = await new Promise<NodeJS.ReadableStream>((resolve, reject) => {
      docker.modem.dial(
        {
          path: '/images/get?',
          method: 'GET',
          options: { names: [...references] },
          isStream: true,
          statusCodes: { 200: true, 404: 'no such image', 500: 'server error' },
        },
        (error: unknown, stream: unknown) => (error ? reject(error) : resolve(stream as NodeJS.ReadableStream)),
      );
    });
    const out = createWriteStream(file);
    let bytes = 0;
    body.on('data', (chunk: Buffer) => (bytes += chunk.length));
    await pipeline(body, out);
    return ok({ bytes });
  } catch (error) {
    return err(toAppError(error, { operation, endpoint: endpointOf(docker) }));
  }
}
