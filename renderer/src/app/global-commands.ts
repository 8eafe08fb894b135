import { useMutation } from '@tanstack/react-query';
import { useMemo } from 'react';
import { runtimeContract } from '../../../shared/ipc';
import { useCommissioningUi } from '../features/commissioning';
import { requestFolderAction } from '../features/manifests';
import { useRuntimeSnapshot } from '../features/runtime';
import { createClient, unwrap } from '../ipc/client';
import { useHost } from '../ipc/host';
import type { ContributedCommand } from './commands';
import { useContributeCommands } from './use-commands';
import { useUi } from './ui-store';

/**
 * Clicks the control `testId` once its area has rendered it (an area loads lazily). The Runtime area keeps its
 * dialogs' state to itself: the palette opens them as a user would, with their button.
 */
export function clickWhenShown(testId: string, timeoutMs = 5000): void {
  const started = Date.now();
  const tick = () => {
    const button = document.querySelector<HTMLElement>(`[data-testid="${testId}"]`);
    if (button && !button.hasAttribute('disabled')) button.click();
    else if (Date.now() - started < timeoutMs) setTimeout(tick, 50);
  };
  tick();
}

/** Palette actions that are always there: folder actions, sideloading, restarting each module of the runtime. */
export function useGlobalCommands(): void {
  const { transport } = useHost();
  const snapshot = useRuntimeSnapshot();
  const restart = useMutation({ mutationFn: (name: string) => unwrap(createClient(runtimeContract, transport).restartModule({ name })) });
  const restartable = useMemo(() => (snapshot.data?.modules ?? []).filter((m) => m.containerId).map((m) => m.name), [snapshot.data]);
  const restartMutate = restart.mutate;

  const commands = useMemo((): ContributedCommand[] => {
    const { navigate } = useUi.getState();
    return [
      {
        id: 'manifests.openFolder',
        title: 'Open a folder…',
        group: 'Manifests',
        keywords: 'solution workspace directory',
        run: () => {
          navigate('manifests');
          requestFolderAction('open-folder');
        },
      },
      {
        id: 'manifests.newSolution',
        title: 'New solution from a template…',
        group: 'Manifests',
        keywords: 'create folder scaffold',
        run: () => {
          navigate('manifests');
          requestFolderAction('new-solution');
        },
      },
      {
        id: 'runtime.sideload',
        title: 'Sideload a module image…',
        group: 'Runtime',
        keywords: 'docker image tar load import',
        needsHost: true,
        run: () => {
          navigate('runtime');
          clickWhenShown('open-sideload');
        },
      },
      {
        id: 'commissioning.run',
        title: 'Run the commissioning checks',
        group: 'Commissioning',
        keywords: 'check verify health ready gatehouse check',
        needsHost: true,
        run: () => {
          navigate('commissioning');
          clickWhenShown('commissioning-run');
        },
      },
      {
        id: 'commissioning.runQuick',
        title: 'Run the commissioning checks without the end-to-end wait',
        group: 'Commissioning',
        keywords: 'check verify health ready quick fast',
        needsHost: true,
        run: () => {
          useCommissioningUi.getState().setEndToEnd(false);
          navigate('commissioning');
          clickWhenShown('commissioning-run');
        },
      },
      ...restartable.map(
        (name): ContributedCommand => ({
          id: `runtime.restart.${name}`,
          title: `Restart module ${name}`,
          group: 'Runtime',
          keywords: 'restart module container',
          needsHost: true,
          run: () => {
            restartMutate(name);
            navigate('runtime');
          },
        }),
      ),
    ];
  }, [restartable, restartMutate]);
  useContributeCommands('console', commands);
}
