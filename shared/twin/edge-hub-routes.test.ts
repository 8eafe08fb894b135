import { describe, expect, it } from 'vitest';
import { edgeHubRouteTable } from './edge-hub-routes';

const routes = {
  sensorToFilter: 'FROM /messages/modules/sensor/outputs/out1 INTO BrokeredEndpoint("/modules/filter/inputs/in1")',
  filterToCloud: { route: 'FROM /messages/modules/filter/outputs/* INTO $upstream', priority: 1, timeToLiveSecs: 60 },
};
const desired = (version: number, r: Record<string, unknown> = routes) => ({ schemaVersion: '1.1', routes: r, storeAndForwardConfiguration: { timeToLiveSecs: 7200 }, $version: version });
const reported = (lastDesiredVersion: number | undefined, code = 200, description = '', clients: Record<string, unknown> = {}) => ({
  schemaVersion: '1.0',
  ...(lastDesiredVersion !== undefined ? { lastDesiredVersion } : {}),
  ...(code !== 0 ? { lastDesiredStatus: { code, description } } : {}),
  clients,
});

describe('edgeHubRouteTable: routes desired against what edgeHub reported', () => {
  it.each<[string, unknown, unknown, string, Record<string, string>]>([
    ['applied', desired(3), reported(3), 'current', { filterToCloud: 'applied', sensorToFilter: 'applied' }],
    ['edgeHub behind', desired(4), reported(3), 'behind', { filterToCloud: 'pending', sensorToFilter: 'pending' }],
    ['nothing reported', desired(1), reported(undefined, 0), 'notReported', { filterToCloud: 'pending', sensorToFilter: 'pending' }],
    [
      'edgeHub names the route it refused',
      desired(5),
      reported(5, 400, 'Error while parsing desired properties - Error parsing route sensorToFilter - Syntax error.'),
      'failed',
      { filterToCloud: 'blocked', sensorToFilter: 'rejected' },
    ],
    [
      'refused without a name: the route the core cannot compile is the rejected one',
      desired(6, { ...routes, broken: 'FROM /messages/* WHERE temperature >> 30 INTO $upstream' }),
      reported(6, 400, 'Error while parsing desired properties - unsupported SchemaVersion'),
      'failed',
      { broken: 'rejected', filterToCloud: 'blocked', sensorToFilter: 'blocked' },
    ],
  ])('%s', (_name, d, r, kind, states) => {
    const table = edgeHubRouteTable(d, r);
    expect(table.staleness.kind).toBe(kind);
    expect(Object.fromEntries(table.rows.map((row) => [row.name, row.state]))).toEqual(states);
  });

  it('reads string and object routes with their priority and time to live; checks each with the route core', () => {
    const table = edgeHubRouteTable(desired(1, { ...routes, badPriority: { route: 'FROM /* INTO $upstream', priority: 12 } }), reported(1));
    expect(table.rows).toEqual([
      { name: 'badPriority', route: 'FROM /* INTO $upstream', state: 'applied', problem: expect.stringMatching(/priority can only be between 0-9/) },
      { name: 'filterToCloud', route: 'FROM /messages/modules/filter/outputs/* INTO $upstream', priority: 1, timeToLiveSecs: 60, state: 'applied' },
      { name: 'sensorToFilter', route: routes.sensorToFilter, priority: 2_000_000_000, timeToLiveSecs: 0, state: 'applied' },
    ]);
  });

  it('lists the clients edgeHub reports, with their twin keys decoded', () => {
    const table = edgeHubRouteTable(desired(1), reported(1, 200, '', { 'gw%2E1/%24edgeAgent': { status: 'Connected' }, 'gw%2E1/sensor': { status: 'Disconnected' }, gone: null }));
    expect(table.clients).toEqual([
      { id: 'gw.1/$edgeAgent', status: 'Connected' },
      { id: 'gw.1/sensor', status: 'Disconnected' },
    ]);
  });

  it('reads a twin without routes as an empty table', () => {
    expect(edgeHubRouteTable({}, {}).rows).toEqual([]);
    expect(edgeHubRouteTable(null, 'x').staleness.kind).toBe('notReported');
  });
});
