import type { Result } from '../../../../shared/errors';
import { SIDELOAD_CHUNK_BYTES } from '../../../../shared/ipc/runtime.contract';

/** The three runtime calls an upload needs (the typed client has them; tests pass a fake). */
export interface UploadClient {
  sideloadBegin(input: { fileName: string; size: number }): Promise<Result<{ uploadId: string }>>;
  sideloadChunk(input: { uploadId: string; offset: number; data: string }): Promise<Result<{ received: number; loaded?: string[] }>>;
  sideloadCancel(input: { uploadId: string }): Promise<Result<object>>;
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

const unwrap = async <T>(result: Promise<Result<T>>): Promise<T> => {
  const r = await result;
  if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code });
  return r.value;
};

/**
 * Sends a tarball picked in the page to the host in order, SIDELOAD_CHUNK_BYTES at a time (each fits one
 * transport message); the host streams it into the engine and answers the last chunk with the images loaded.
 * Any failure (or `signal`) cancels the upload on the host. Progress arrives as `runtime.sideloadProgress` events.
 */
export async function uploadTarball(client: UploadClient, file: Blob & { readonly name: string }, signal?: AbortSignal, chunkBytes = SIDELOAD_CHUNK_BYTES): Promise<{ loaded: string[] }> {
  const { uploadId } = await unwrap(client.sideloadBegin({ fileName: file.name, size: file.size }));
  try {
    for (let offset = 0; offset < file.size; offset += chunkBytes) {
      if (signal?.aborted) throw new Error('Sideload cancelled');
      const bytes = new Uint8Array(await file.slice(offset, offset + chunkBytes).arrayBuffer());
      const sent = await unwrap(client.sideloadChunk({ uploadId, offset, data: toBase64(bytes) }));
      if (sent.loaded) return { loaded: sent.loaded };
    }
    throw new Error(`The engine did not confirm ${file.name}`);
  } catch (error) {
    void client.sideloadCancel({ uploadId });
    throw error;
  }
}
