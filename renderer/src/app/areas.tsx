import { BoxMultipleRegular, ClipboardTaskListLtrRegular, CloudArrowUpRegular, DataLineRegular, DocumentBulletListRegular, HomeRegular, IotRegular, SettingsRegular } from '@fluentui/react-icons';
import type { ComponentType, ReactElement } from 'react';
// Manifests and Runtime export lazy pages: they load when first opened, so the first paint carries only the shell.
import { CommissioningPage } from '../features/commissioning';
import { DeploymentsPage } from '../features/deployments';
import { FleetPage } from '../features/fleet';
import { ManifestsPage } from '../features/manifests';
import { OverviewPage } from '../features/overview';
import { RuntimePage } from '../features/runtime';
import { SettingsPage } from '../features/settings';
import { TelemetryPage } from '../features/telemetry';
import type { AreaId } from './ui-store';

export interface Area {
  readonly id: AreaId;
  readonly label: string;
  readonly description: string;
  readonly icon: ReactElement;
  readonly component: ComponentType;
  /** Alt+<digit> jumps here. */
  readonly shortcut: string;
}

/** Only areas that exist. Later features add theirs here. */
export const AREAS: readonly Area[] = [
  { id: 'overview', label: 'Overview', description: 'Engine, runtime and hub at a glance', icon: <HomeRegular />, component: OverviewPage, shortcut: '1' },
  { id: 'manifests', label: 'Manifests', description: 'Open a solution folder, edit and validate deployment manifests', icon: <DocumentBulletListRegular />, component: ManifestsPage, shortcut: '2' },
  { id: 'runtime', label: 'Runtime', description: 'Run deployments on the local edge runtime: modules, logs, sideloading', icon: <BoxMultipleRegular />, component: RuntimePage, shortcut: '3' },
  { id: 'settings', label: 'Settings', description: 'Theme, data folder and component versions', icon: <SettingsRegular />, component: SettingsPage, shortcut: '4' },
  // Alt+5 (not 4): Alt+4 stays Settings, which specs and hands already know.
  { id: 'fleet', label: 'Fleet', description: 'Devices, twins and direct methods on the connected IoT hub', icon: <IotRegular />, component: FleetPage, shortcut: '5' },
  { id: 'deployments', label: 'Deployments', description: 'Deployments at scale on the connected hub: target conditions, priorities, metrics', icon: <CloudArrowUpRegular />, component: DeploymentsPage, shortcut: '6' },
  { id: 'telemetry', label: 'Telemetry', description: 'Live messages of the local edge hub: rates, fields, messages, record and replay, outbox', icon: <DataLineRegular />, component: TelemetryPage, shortcut: '7' },
  { id: 'commissioning', label: 'Commissioning', description: 'Check the gateway end to end before you leave it: every check, its verdict and what to do', icon: <ClipboardTaskListLtrRegular />, component: CommissioningPage, shortcut: '8' },
];
