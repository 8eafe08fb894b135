import { useMutation } from '@tanstack/react-query';
import { useEffect } from 'react';
import { unwrap } from '../../ipc/client';
import { useAppInfo } from '../settings';
import { useEdgeHubClient } from './queries';
import { defaultRecordingPath } from './recording-path';
import { useTelemetryUi } from './telemetry-store';

/**
 * Start and stop recording, shared by the Record card and the palette. The path defaults to
 * `<dataDir>/recordings/<local time>.ndjson` once the data folder is known; a path the user typed stays.
 */
export function useRecording() {
  const edgehub = useEdgeHubClient();
  const dataDir = useAppInfo().data?.dataDir;

  useEffect(() => {
    if (dataDir && useTelemetryUi.getState().path === '') useTelemetryUi.getState().set({ path: defaultRecordingPath(dataDir, new Date()) });
  }, [dataDir]);

  const start = useMutation({
    mutationFn: (path: string) => unwrap(edgehub.recordStart({ path })),
    onSuccess: (value) => useTelemetryUi.getState().set({ recording: { path: value.path, since: Date.now() } }),
  });
  const stop = useMutation({
    mutationFn: () => unwrap(edgehub.recordStop({})),
    onSuccess: (value) => {
      const s = useTelemetryUi.getState();
      // The next recording gets a new default name; a typed path is left as typed.
      const next = dataDir && s.path === s.recording?.path ? defaultRecordingPath(dataDir, new Date()) : s.path;
      s.set({ recording: undefined, last: { path: value.path, messages: value.messages }, replayPath: value.path, path: next });
    },
  });
  return { start, stop };
}
