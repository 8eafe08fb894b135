import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo } from 'react';
import { runtimeContract } from '../../../../shared/ipc';
import { createClient, subscribeEvent, unwrap } from '../../ipc/client';
import { useHost } from '../../ipc/host';
import { uploadTarball } from './upload-tarball';

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
    apply: useMutation({ mutationFn: (input: { text: string; fileName?: string; overrideForeignRuntime?: boolean; overrideCloud?: boolean }) => unwrap(runtime.apply(input)), onSuccess: refresh }),
    restart: useMutation({ mutationFn: (name: string) => unwrap(runtime.restartModule({ name })) }),
    setStatus: useMutation({ mutationFn: (input: { name: string; status: 'running' | 'stopped' }) => unwrap(runtime.setModuleStatus(input)) }),
    sideload: useMutation({ mutationFn: (path: string) => unwrap(runtime.sideload({ path })), onSuccess: refresh }),
    runSample: useMutation({ mutationFn: () => unwrap(runtime.runSample({})), onSuccess: refresh }),
    upload: useMutation({ mutationFn: (input: { file: File; signal?: AbortSignal }) => uploadTarball(runtime, input.file, input.signal), onSuccess: refresh }),
  };
}
