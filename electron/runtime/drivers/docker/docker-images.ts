import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type Dockerode from 'dockerode';
import { appError, err, ok, type Result } from '../../../../shared/errors';
import type { ImageLoadOptions, ImageTarball } from '../driver';
import type { ImageDetails, ImageFilter, ImageLoadProgress, ImageLoadResult, ImageSummary } from '../driver-model';
import type { DockerInvoke } from './docker-errors';
import { labelFilters, toImageDetails, toImageSummary } from './docker-mappers';
import { readJsonLines, streamError } from './json-lines';

/** One message of the `POST /images/load` progress stream, as progress for the caller (pure). */
export function toLoadProgress(value: unknown): ImageLoadProgress | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const v = value as { status?: unknown; id?: unknown; stream?: unknown; progressDetail?: { current?: unknown; total?: unknown } };
  if (typeof v.status === 'string') {
    const current = typeof v.progressDetail?.current === 'number' ? v.progressDetail.current : undefined;
    const total = typeof v.progressDetail?.total === 'number' ? v.progressDetail.total : undefined;
    return {
      kind: 'layer',
      id: typeof v.id === 'string' ? v.id : '',
      status: v.status,
      ...(current === undefined ? {} : { current }),
      ...(total === undefined ? {} : { total }),
    };
  }
  if (typeof v.stream === 'string' && v.stream.trim()) return { kind: 'message', text: v.stream.trim() };
  return undefined;
}

/** `Loaded image: repo:tag` / `Loaded image ID: sha256:…` → the reference. */
export function loadedReference(text: string): string | undefined {
  return /^Loaded image(?: ID)?: (\S+)$/.exec(text.trim())?.[1];
}

export class DockerImages {
  constructor(
    private readonly docker: Dockerode,
    private readonly invoke: DockerInvoke,
  ) {}

  list(filter: ImageFilter = {}): Promise<Result<ImageSummary[]>> {
    const filters: Record<string, string[]> = {};
    const labels = labelFilters(filter.labels);
    if (labels.length > 0) filters.label = labels;
    if (filter.reference) filters.reference = [filter.reference];
    return this.invoke('list images', async () => {
      const images = await this.docker.listImages(Object.keys(filters).length > 0 ? { filters } : {});
      return images.map(toImageSummary);
    });
  }

  inspect(reference: string): Promise<Result<ImageDetails>> {
    return this.invoke(`inspect image ${reference}`, async () => toImageDetails(await this.docker.getImage(reference).inspect()));
  }

  remove(reference: string, force = false): Promise<Result<void>> {
    return this.invoke(`remove image ${reference}`, async () => {
      await this.docker.getImage(reference).remove({ force });
    });
  }

  /**
   * `docker load`: streams the tarball to the engine, reporting bytes sent and the engine's per-layer
   * progress. A tarball the engine cannot read fails with IO and the engine's message.
   */
  async load(tarball: ImageTarball, options: ImageLoadOptions = {}): Promise<Result<ImageLoadResult>> {
    const operation = 'load image tarball';
    const { onProgress, signal } = options;
    let sent = 0;
    const counter = new PassThrough();
    counter.on('data', (chunk: Buffer) => {
      sent += chunk.length;
      onProgress?.({ kind: 'upload', bytes: sent });
    });
    const source = isNodeStream(tarball) ? (tarball as Readable) : Readable.from(tarball);
    const upload = pipeline(source, counter, signal ? { signal } : {}).catch((error: unknown) => error);

    const opened = await this.invoke(
      operation,
      () => this.docker.loadImage(counter, { quiet: false, ...(signal ? { abortSignal: signal } : {}) }),
      signal,
    );
    if (!opened.ok) {
      counter.destroy();
      return opened;
    }
    const loaded: string[] = [];
    let failure: string | undefined;
    const read = await this.invoke(
      operation,
      () =>
        readJsonLines(opened.value, (value) => {
          const message = streamError(value);
          if (message) failure ??= message;
          const progress = toLoadProgress(value);
          if (!progress) return;
          if (progress.kind === 'message') {
            const reference = loadedReference(progress.text);
            if (reference) loaded.push(reference);
          }
          onProgress?.(progress);
        }),
      signal,
    );
    const uploadError = await upload;
    if (!read.ok) return read;
    if (failure) return err(appError('IO', `${operation}: ${failure}`, { operation, engineMessage: failure }));
    if (uploadError) return err(appError('IO', `${operation}: reading the tarball failed: ${String(uploadError)}`, { operation }));
    return ok({ loaded });
  }
}

/** Credentials for a registry, as Docker's X-Registry-Auth carries them. */
export interface RegistryAuth {
  readonly username: string;
  readonly password: string;
  readonly serveraddress: string;
}

export interface PullOptions {
  readonly auth?: RegistryAuth;
  readonly onProgress?: (progress: ImageLoadProgress) => void;
}

/** `docker pull` with the engine's per-layer progress; a registry that refuses or cannot be reached fails with its message. */
export async function pullImage(docker: Dockerode, invoke: DockerInvoke, reference: string, options: PullOptions = {}): Promise<Result<void>> {
  const operation = `pull image ${reference}`;
  const opened = await invoke(operation, () => docker.pull(reference, options.auth ? { authconfig: options.auth } : {}) as Promise<NodeJS.ReadableStream>);
  if (!opened.ok) return opened;
  let failure: string | undefined;
  const read = await invoke(operation, () =>
    readJsonLines(opened.value, (value) => {
      const message = streamError(value);
      if (message) failure ??= message;
      const progress = toLoadProgress(value);
      if (progress) options.onProgress?.(progress);
    }),
  );
  if (!read.ok) return read;
  return failure ? err(appError('IO', `${operation}: ${failure}`, { operation, engineMessage: failure })) : ok(undefined);
}

function isNodeStream(value: ImageTarball): boolean {
  return typeof (value as NodeJS.ReadableStream).pipe === 'function';
}
