import { lazy } from 'react';

/**
 * The Deployments area (deployments at scale on the connected hub) loads on first visit. Its "Deploy to device…"
 * entry lives beside Apply to local runtime in the Manifests editor (`./DeployToDevice`, imported by the editor's
 * toolbar directly so that the shell's first chunk does not carry Monaco).
 */
export const DeploymentsPage = lazy(() => import('./DeploymentsPage').then((m) => ({ default: m.DeploymentsPage })));
