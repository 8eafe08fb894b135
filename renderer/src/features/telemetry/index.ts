import { lazy } from 'react';

/** The Telemetry area (live charts, messages, record/replay, outbox of the edge hub) loads on first visit. */
export const TelemetryPage = lazy(() => import('./TelemetryPage').then((m) => ({ default: m.TelemetryPage })));
/** Messages/s per route name while the edge hub runs (the route graph draws them on its edges). */
export { useLiveRouteRates } from './use-telemetry-feed';
export { formatRate } from './hub-words';
