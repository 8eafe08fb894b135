import { PassThrough } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { fail, ok, type Result } from '../../shared/errors';
import type { ContainerDriver, ImageLoadProgress } from '../runtime/drivers/driver';
import type { Disposable } from '../runtime/drivers/disposable';

/** How long an upload may sit without a chunk before it is dropped (the page closed, the console went away). */
const IDLE_MS = 120_000;

interface Upload {
  readonly fileName: string;
  readonly size: number;
  readonly stream: PassThrough;
  readonly loading: Promise<Result<{ loaded: string[] }>>;
  received: number;
  timer: NodeJS.Timeout;
}

/**
 * Sideloading a tarball picked in the page (the browser knows the file, not its path on the host): the page
 * sends it in order, in chunks of a few MiB (each fits one message of the transport), and the bytes stream
 * straight into the engine's `docker load`, nothing is written to disk here.
 *
 *   begin ──chunk…──▶ last chunk ──engine done──▶ loaded        (any error, cancel or idle timeout: dropped)
 */
export class SideloadUploads implements Disposable {
  private readonly uploads = new Map<string, Upload>();

  constructor(
    private readonly driver: ContainerDriver,
    private readonly onProgress: (fileName: string, progress: ImageLoadProgress, size: number) => void,
  ) {}

  begin(fileName: string, size: number): Result<{ uploadId: string }> {
    if (size <= 0) return fail('BAD_REQUEST', `${fileName} is empty: a docker save tarball has at least one image`);
    const uploadId = randomUUID();
    const stream = new PassThrough();
    // The engine's side may fail first (not a tarball): the load's Result says why; writes after that are dropped.
    stream.on('error', () => undefined);
    const loading = this.driver
      .loadImage(stream, { onProgress: (p) => this.onProgress(fileName, p, size) })
      .then((result) => (result.ok ? ok({ loaded: [...result.value.loaded] }) : result));
    const upload: Upload = { fileName, size, stream, loading, received: 0, timer: setTimeout(() => this.cancel(uploadId), IDLE_MS) };
    upload.timer.unref();
    this.uploads.set(uploadId, upload);
    return ok({ uploadId });
  }

  /** Appends a chunk at `offset` (the bytes received so far); with the last byte, waits for the engine's verdict. */
  async chunk(uploadId: string, offset: number, data: string): Promise<Result<{ received: number; loaded?: string[] }>> {
    const upload = this.uploads.get(uploadId);
    if (!upload) return fail('NOT_FOUND', 'This upload is gone (cancelled, failed, or idle for too long): choose the file again');
    if (offset !== upload.received) return fail('BAD_REQUEST', `Chunk at byte ${offset}, but ${upload.received} bytes were received: chunks must arrive in order`);
    const bytes = Buffer.from(data, 'base64');
    if (upload.received + bytes.length > upload.size) {
      this.cancel(uploadId);
      return fail('BAD_REQUEST', `More bytes than announced (${upload.size})`);
    }
    upload.timer.refresh();
    if (upload.stream.destroyed) return this.finish(uploadId, upload);
    upload.received += bytes.length;
    if (!upload.stream.write(bytes)) {
      const drained = await Promise.race([new Promise<boolean>((r) => upload.stream.once('drain', () => r(true))), upload.loading.then(() => false)]);
      if (!drained) return this.finish(uploadId, upload);
    }
    if (upload.received < upload.size) return ok({ received: upload.received });
    upload.stream.end();
    return this.finish(uploadId, upload);
  }

  private async finish(uploadId: string, upload: Upload): Promise<Result<{ received: number; loaded?: string[] }>> {
    const result = await upload.loading;
    clearTimeout(upload.timer);
    this.uploads.delete(uploadId);
    if (!result.ok) return result;
    if (upload.received < upload.size) return fail('IO', `The engine stopped reading ${upload.fileName} after ${upload.received} of ${upload.size} bytes`);
    return ok({ received: upload.received, loaded: result.value.loaded });
  }

  cancel(uploadId: string): void {
    const upload = this.uploads.get(uploadId);
    if (!upload) return;
    clearTimeout(upload.timer);
    this.uploads.delete(uploadId);
    upload.stream.destroy(new Error('upload cancelled'));
  }

  dispose(): void {
    for (const id of [...this.uploads.keys()]) this.cancel(id);
  }
}
