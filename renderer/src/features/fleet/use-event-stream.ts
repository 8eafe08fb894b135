import { useCallback, useEffect, useRef, useState } from 'react';
import { cloudContract } from '../../../../shared/ipc';
import type { TelemetryEvent } from '../../../../shared/ipc/cloud.contract';
import { subscribeEvent } from '../../ipc/client';
import { useHost } from '../../ipc/host';
import { Ring, Sampler, type Sequenced } from '../../app/live-buffer';

/** Messages a view keeps (the newest); older ones fall out. */
export const EVENTS_PER_VIEW = 500;
/** A view renders what arrived at most this often, however fast messages come. */
export const SAMPLE_MS = 250;

export interface EventStream {
  /** The sample on screen, newest first. */
  readonly items: readonly Sequenced<TelemetryEvent>[];
  readonly paused: boolean;
  /** Messages that arrived since Pause (sampled like the list). */
  readonly arrivedWhilePaused: number;
  pause(): void;
  resume(): void;
  clear(): void;
}

/**
 * Device-to-cloud messages of one device (or all, without `deviceId`) from the `cloud.telemetry` pushes, while
 * mounted and `enabled`. Messages go into a ring outside React; the view gets a sample of it per SAMPLE_MS.
 * Paused, messages still go into the ring (the newest EVENTS_PER_VIEW are kept) and only the counter moves.
 */
export function useEventStream(deviceId: string | undefined, enabled: boolean): EventStream {
  const { transport } = useHost();
  const ring = useRef(new Ring<TelemetryEvent>(EVENTS_PER_VIEW));
  const pausedAt = useRef<number | undefined>(undefined);
  const sampler = useRef<Sampler | undefined>(undefined);
  const [items, setItems] = useState<readonly Sequenced<TelemetryEvent>[]>([]);
  const [paused, setPaused] = useState(false);
  const [arrivedWhilePaused, setArrived] = useState(0);

  const flush = useCallback(() => {
    if (pausedAt.current === undefined) setItems(ring.current.newestFirst());
    else setArrived(ring.current.total - pausedAt.current);
  }, []);

  useEffect(() => {
    if (!enabled) return;
    const s = new Sampler(flush, SAMPLE_MS);
    sampler.current = s;
    const unsubscribe = subscribeEvent(transport, cloudContract, 'telemetry', (event) => {
      if (deviceId !== undefined && event.deviceId !== deviceId) return;
      ring.current.push(event);
      s.poke();
    });
    return () => {
      unsubscribe();
      s.dispose();
      if (sampler.current === s) sampler.current = undefined;
    };
  }, [transport, deviceId, enabled, flush]);

  const pause = useCallback(() => {
    pausedAt.current = ring.current.total;
    setArrived(0);
    setPaused(true);
  }, []);
  const resume = useCallback(() => {
    pausedAt.current = undefined;
    setPaused(false);
    setArrived(0);
    setItems(ring.current.newestFirst());
  }, []);
  const clear = useCallback(() => {
    ring.current.clear();
    if (pausedAt.current !== undefined) pausedAt.current = 0;
    setArrived(0);
    setItems([]);
  }, []);

  return { items, paused, arrivedWhilePaused, pause, resume, clear };
}
