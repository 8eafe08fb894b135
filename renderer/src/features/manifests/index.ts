import { lazy } from 'react';

/** The Manifests area loads on first visit; its editor (Monaco) loads later still, with the first open file. */
export const ManifestsPage = lazy(() => import('./ManifestsPage').then((m) => ({ default: m.ManifestsPage })));
