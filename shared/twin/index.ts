/** Twins, desired against reported: pure functions over the hub's documents (no I/O, no DOM). */
export { edgeAgentModuleTable, type DesiredModule, type EdgeAgentModuleRow, type EdgeAgentTable, type ModuleDifference, type ReportedModule } from './edge-agent-table';
export { edgeHubRouteTable, type EdgeHubRouteRow, type EdgeHubRouteTable, type RouteState } from './edge-hub-routes';
export { formatPath, twinPropertyDiff, type PendingKey, type PropertyDiff } from './property-diff';
export { describeStaleness, isStale, stalenessOf, type Staleness } from './staleness';
export { asRecord, twinSides, withoutTwinMeta, type JsonRecord, type LastDesiredStatus } from './twin-reader';
