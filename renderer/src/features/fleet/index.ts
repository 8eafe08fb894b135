import { lazy } from 'react';

/** The Fleet area (devices, twins, direct methods on the connected hub) loads on first visit. */
export const FleetPage = lazy(() => import('./FleetPage').then((m) => ({ default: m.FleetPage })));
