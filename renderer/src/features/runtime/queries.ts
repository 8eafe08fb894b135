import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo } from 'react';
import { runtimeContract } from '../../../../shared/ipc';
import { SIDELOAD_CHUNK_BYTES } from '../../../../shared/ipc/runtime.contract';
import { createClient, subscribeEvent, unwrap } from '../../ipc/client';
import { useHost } from '../../ipc/host';

export const runtimeKeys = {
  all: ['runtime'] as const,
  snapshot: () => [...runtimeKeys.all, 'snapshot'] as const,
  details: (name: string) => [...runtimeKeys.all, 'details', name] as const,
  images: () => [...runtimeKeys.all, 'images'] as const,
};

export function useRuntimeClient() {
  const { transport } = useHost();
  return useMemo(() => createClient(runtimeContract, transport), [transport]);
}

/** The runtime snapshot, kept current by `runtime.changed` pushes (no polling). */
export function useRuntimeSnapshot() {
  const runtime = useRuntimeClient();
  const { transport } = useHost();
  const queryClient = useQueryClient();
  useEffect(
    () => subscribeEvent(transport, runtimeContract, 'changed', (snapshot) => queryClient.setQueryData(runtimeKeys.snapshot(), snapshot)),
    [transport, queryClient],
  );
  return useQuery({ queryKey: runtimeKeys.snapshot(), queryFn: () => unwrap(runtime.status({})) });
}

export function useModuleDetails(name: string | undefined) {
  const runtime = useRuntimeClient();
  return useQuery({
    queryKey: runtimeKeys.details(name ?? ''),
    queryFn: () => unwrap(runtime.moduleDetails({ name: name ?? '' })),
    enabled: Boolean(name),
    staleTime: 0,
  });
}

/** The images on this machine's engine (what can run offline). */
export function useEngineImages(enabled = true) {
  const runtime = useRuntimeClient();
  return useQuery({ queryKey: runtimeKeys.images(), queryFn: () => unwrap(runtime.listImages({})), enabled, staleTime: 0 });
}

export function useRuntimeActions() {
  const runtime = useRuntimeClient();
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: runtimeKeys.all });
  return {
    preview: useMutation({ mutationFn: (input: { text: string; fileName?: string }) => unwrap(runtime.preview(input)) }),
    apply: useMutation({ mutationFn: (input: { text: string; fileName?: string; overrideForeignRuntime?: boolean }) => unwrap(runtime.apply(input)), onSuccess: refresh }),
    restart: useMutation({ mutationFn: (name: string) => unwrap(runtime.restartModule({ name })) }),
    setStatus: useMutation({ mutationFn: (input: { name: string; status: 'running' | 'stopped' }) => unwrap(runtime.setModuleStatus(input)) }),
    sideload: useMutation({ mutationFn: (path: string) => unwrap(runtime.sideload({ path })), onSuccess: refresh }),
    upload: useMutation({ mutationFn: (input: { file: File; signal?: AbortSignal }) => uploadTarball(runtime, input.file, input.signal), onSuccess: refresh }),
  };
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/**
 * Sends a tarball picked in the page to the host in order, a chunk at a time (each fits one transport message);
 * the host streams it into the engine. Progress arrives as `runtime.sideloadProgress` events.
 */
async function uploadTarball(runtime: ReturnType<typeof useRuntimeClient>, file: File, signal?: AbortSignal): Promise<{ loaded: string[] }> {
  const { uploadId } = await unwrap(runtime.sideloadBegin({ fileName: file.name, size: file.size }));
  try {
    for (let offset = 0; offset < file.size; offset += SIDELOAD_CHUNK_BYTES) {
      if (signal?.aborted) throw new Error('Sideload cancelled');
      const bytes = new Uint8Array(await file.slice(offset, offset + SIDELOAD_CHUNK_BYTES).arrayBuffer());
      const sent = await unwrap(runtime.sideloadChunk({ uploadId, offset, data: toBase64(bytes) }));
      if (sent.loaded) return { loaded: sent.loaded };
    }
    throw new Error(`The engine did not confirm ${file.name}`);
  } catch (error) {
    void runtime.sideloadCancel({ uploadId });
    throw error;
  }
}
