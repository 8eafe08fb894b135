import { lazy } from 'react';

/** The Commissioning area (the checks that prove a gateway healthy, `gatehouse check` as a screen) loads on first visit. */
export const CommissioningPage = lazy(() => import('./CommissioningPage').then((m) => ({ default: m.CommissioningPage })));
/** The area's UI state (the palette's "without the end-to-end wait" sets its option). */
export { useCommissioningUi } from './commissioning-store';
