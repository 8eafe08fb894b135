/**
 * Drain progress of one endpoint's queue from its recent depths (oldest first): while the depth falls from a peak,
 * how much of that peak has gone. The peak is the highest depth since the queue was last empty (in what is kept).
 * Undefined when there is nothing to drain, or the queue is not going down (it grew at the last reading).
 */
export interface Drain {
  readonly peak: number;
  readonly depth: number;
  /** 0…1: delivered (or expired) of the peak. */
  readonly fraction: number;
}

export function drainProgress(depths: readonly number[]): Drain | undefined {
  const depth = depths[depths.length - 1];
  if (depth === undefined || depth <= 0) return undefined;
  const previous = depths[depths.length - 2];
  if (previous !== undefined && depth > previous) return undefined;
  let peak = depth;
  for (let i = depths.length - 1; i >= 0; i--) {
    const d = depths[i]!;
    if (d <= 0) break;
    if (d > peak) peak = d;
  }
  if (peak <= depth) return undefined;
  return { peak, depth, fraction: (peak - depth) / peak };
}
