import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { appContract } from '../../../../shared/ipc';
import type { Settings } from '../../../../shared/ipc/app.contract';
import { subscribeEvent, unwrap } from '../../ipc/client';
import { useHost } from '../../ipc/host';

export const settingsKeys = {
  all: ['app'] as const,
  settings: () => [...settingsKeys.all, 'settings'] as const,
  info: () => [...settingsKeys.all, 'info'] as const,
};

export function useSettings() {
  const { app, transport } = useHost();
  const queryClient = useQueryClient();
  useEffect(
    () => subscribeEvent(transport, appContract, 'settingsChanged', (settings) => queryClient.setQueryData(settingsKeys.settings(), settings)),
    [transport, queryClient],
  );
  return useQuery({ queryKey: settingsKeys.settings(), queryFn: () => unwrap(app.getSettings({})) });
}

export function useUpdateSettings() {
  const { app } = useHost();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (patch: Partial<Settings>) => unwrap(app.updateSettings(patch)),
    onSuccess: (settings) => queryClient.setQueryData(settingsKeys.settings(), settings),
  });
}

export function useAppInfo() {
  const { app } = useHost();
  return useQuery({ queryKey: settingsKeys.info(), queryFn: () => unwrap(app.getInfo({})) });
}
