import { lazy } from 'react';

/** The Runtime area loads on first visit. */
export const RuntimePage = lazy(() => import('./RuntimePage').then((m) => ({ default: m.RuntimePage })));
export { useApplyStore } from './apply-store';
export { useRuntimeSnapshot, runtimeKeys } from './queries';
export { RuntimeStateBadge, TONE_COLOR } from './RuntimeStateBadge';
