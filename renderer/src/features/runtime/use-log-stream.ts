import { useEffect, useRef, useState } from 'react';
import { runtimeContract } from '../../../../shared/ipc';
import type { LogLine } from '../../../../shared/ipc/runtime.contract';
import { subscribeEvent } from '../../ipc/client';
import { useHost } from '../../ipc/host';
import { useRuntimeClient } from './queries';

export const MAX_LINES = 20_000;

export interface LogStreamState {
  /** Lines live in a ref (a bounded buffer outside React); `revision` changes when they do. */
  readonly lines: readonly LogLine[];
  readonly revision: number;
  /** `waiting`: the container is not running; the stream goes on when it starts again (a restart, a new run). */
  readonly state: 'connecting' | 'following' | 'waiting' | 'ended' | 'error';
  readonly error?: string;
}

/** Follows a module's log while mounted, across its runs: `runtime.followLogs`, then `runtime.logLines` events. */
export function useLogStream(module: string, follow: boolean): LogStreamState {
  const runtime = useRuntimeClient();
  const { transport } = useHost();
  const lines = useRef<LogLine[]>([]);
  const [revision, setRevision] = useState(0);
  const [state, setState] = useState<LogStreamState['state']>('connecting');
  const [error, setError] = useState<string>();

  useEffect(() => {
    if (!follow) return;
    let streamId: string | undefined;
    let cancelled = false;
    const pending: { streamId: string; lines: LogLine[]; waiting?: boolean; done?: boolean; error?: string }[] = [];
    const take = (event: (typeof pending)[number]) => {
      const buffer = lines.current;
      buffer.push(...event.lines);
      if (buffer.length > MAX_LINES) buffer.splice(0, buffer.length - MAX_LINES);
      if (event.lines.length) setRevision((r) => r + 1);
      if (event.waiting !== undefined) setState(event.waiting ? 'waiting' : 'following');
      if (event.done) {
        setState(event.error ? 'error' : 'ended');
        setError(event.error);
      }
    };
    const unsubscribe = subscribeEvent(transport, runtimeContract, 'logLines', (event) => {
      if (streamId === undefined) pending.push(event);
      else if (event.streamId === streamId) take(event);
    });
    lines.current = [];
    setState('connecting');
    void runtime.followLogs({ name: module, tail: 500 }).then((result) => {
      if (cancelled) {
        if (result.ok) void runtime.stopLogs({ streamId: result.value.streamId });
        return;
      }
      if (!result.ok) {
        setState('error');
        setError(result.error.message);
        return;
      }
      streamId = result.value.streamId;
      setState('following');
      for (const event of pending.splice(0)) if (event.streamId === streamId) take(event);
    });
    return () => {
      cancelled = true;
      unsubscribe();
      if (streamId) void runtime.stopLogs({ streamId });
    };
  }, [module, follow, runtime, transport]);

  return { lines: lines.current, revision, state, error };
}
