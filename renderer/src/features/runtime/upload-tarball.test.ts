import { describe, expect, it } from 'vitest';
import { fail, ok } from '../../../../shared/errors';
import { uploadTarball, type UploadClient } from './upload-tarball';

/** A host that keeps what it receives, as the runtime service does, and checks the order. */
function fakeHost(options: { failAt?: number } = {}) {
  const received: number[] = [];
  let size = 0;
  const cancelled: string[] = [];
  const client: UploadClient = {
    sideloadBegin: async (input) => ((size = input.size), ok({ uploadId: 'u1' })),
    sideloadChunk: async ({ offset, data }) => {
      if (offset !== received.length) return fail('BAD_REQUEST', 'out of order');
      if (options.failAt !== undefined && offset >= options.failAt) return fail('IO', 'the engine refused the tarball');
      received.push(...Buffer.from(data, 'base64'));
      return ok(received.length === size ? { received: received.length, loaded: ['x:1'] } : { received: received.length });
    },
    sideloadCancel: async ({ uploadId }) => (cancelled.push(uploadId), ok({})),
  };
  return { client, received, cancelled };
}

const file = (bytes: Uint8Array<ArrayBuffer>) => Object.assign(new Blob([bytes]), { name: 'images.tar' });

describe('uploadTarball', () => {
  it('sends every byte in order, in chunks, and returns what the engine loaded', async () => {
    const bytes = Uint8Array.from({ length: 10_000 }, (_, i) => (i * 7) % 256);
    const host = fakeHost();
    expect(await uploadTarball(host.client, file(bytes), undefined, 3000)).toEqual({ loaded: ['x:1'] });
    expect(Uint8Array.from(host.received)).toEqual(bytes);
    expect(host.cancelled).toEqual([]);
  });

  it('cancels the upload on the host when a chunk fails, and says why', async () => {
    const host = fakeHost({ failAt: 3000 });
    await expect(uploadTarball(host.client, file(new Uint8Array(10_000)), undefined, 3000)).rejects.toThrow('the engine refused the tarball');
    expect(host.cancelled).toEqual(['u1']);
  });
});
